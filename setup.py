"""Build step: compile the gettext catalogs into the wheel (``translations/`` maps to ``catalog/translations``)."""

from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py


class BuildWithCatalogs(build_py):
    """Copy the packages, then write each ``messages.po`` as ``messages.mo`` beside it in the build."""

    def run(self):
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        source = Path(__file__).parent / "translations"
        target = Path(self.build_lib) / "catalog" / "translations"
        for po in source.glob("*/LC_MESSAGES/messages.po"):
            out = target / po.relative_to(source).with_suffix(".mo")
            out.parent.mkdir(parents=True, exist_ok=True)
            with open(po, "rb") as fh:
                catalog = read_po(fh)
            with open(out, "wb") as fh:
                write_mo(fh, catalog, use_fuzzy=True)  # as `make translations`: unreviewed Tibetan beats English


# Data folders (static/css, templates/works ...) are namespace packages, so setuptools knows every one.
PACKAGES = find_namespace_packages(include=["contentlib", "contentlib.*", "catalog", "catalog.*"],
                                   exclude=["*.__pycache__"])
LOCALES = sorted(p.parent.name for p in (Path(__file__).parent / "translations").glob("*/LC_MESSAGES"))
CATALOGS = [f"catalog.translations.{locale}.LC_MESSAGES" for locale in LOCALES]

setup(packages=PACKAGES + ["catalog.translations"] + [f"catalog.translations.{loc}" for loc in LOCALES] + CATALOGS,
      package_data={"": ["*"]},  # every file of the data folders (templates, static, demo, fonts, catalogs)
      exclude_package_data={"": ["*.pyc", "*.mo"]},  # the catalogs are compiled by the build, below
      cmdclass={"build_py": BuildWithCatalogs})
