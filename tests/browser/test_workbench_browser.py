"""The translation workbench in Chromium, the whole way, on a phone and a desk, in three languages.

An editor opens the demo's exercise (a demo animation without Tibetan), translates it with the
keyboard only (accepting memory suggestions, typing three cues), and sends it to review; a reviewer
comments on a cue and sends it back; the editor fixes the cue and sends it again; the reviewer
approves, and the Tibetan track plays on the work's page.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from contentlib import accounts
from tests.browser.support import ACCEPT, DEMO, reload_until
from tests.browser.test_interface import run_axe

QUEUE = re.compile(r"/editor/(\?done=[a-z-]+)?$")  # the queue, saying what was just done

REVIEWER = ("wb-reviewer", "correct horse battery")
CUE_2 = "ཆུའི་ཁ་ངོས་ཀྱི་ནུས་ཤུགས་ནི་ཆུ་རྡུལ་ཕན་ཚུན་འཐེན་པ་ལས་བྱུང་།"
CUE_2_FIXED = "ཆུ་ཁའི་ནུས་ཤུགས་ནི་ཆུ་རྡུལ་ཕན་ཚུན་འཐེན་པ་ལས་བྱུང་།"
CUE_3 = "ཆུ་རྡུལ་གྱིས་ཆུ་ཁར་པགས་པ་ཞིག་བཟོས་པས་ཁབ་ལྡིང་།"
COMMENT = "ཆུ་ཁའི་ནུས་ཤུགས་ཞེས་བྲིས།"


def _exercise_copy(server, tmp_path, work_id):
    """Import a copy of the demo's exercise under ``work_id`` (each run translates its own)."""
    recs = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()]
    rec = next(r for r in recs if r["id"].startswith("demo-exercise-"))
    rec["id"] = work_id
    for m in rec["media"]:
        target = tmp_path / m["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DEMO.parent / m["path"], target)
    path = tmp_path / "exercise.jsonl"
    path.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    lib = server.app.extensions["contentlib"]
    with server.app.app_context():
        report = lib.import_file(path)
        lib.finish_import(report.work_ids)
    if lib.accounts.get(REVIEWER[0]) is None:
        accounts.create_user(lib.store, REVIEWER[0], "reviewer", REVIEWER[1])


def _login(browser, server, who, locale, width):
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  extra_http_headers={"Accept-Language": ACCEPT[locale]})
    page = context.new_page()
    page.goto(server.url + "/login")
    page.fill("#name", who[0])
    page.fill("#password", who[1])
    page.press("#password", "Enter")
    page.wait_for_load_state()
    return context, page


def _settled(page):
    """Wait until every autosave has answered."""
    page.wait_for_function("() => !document.querySelector('li.seg[data-pending]')")


def _seg(page, sid):
    return page.locator(f'li.seg[id="seg-{sid}"]')


LOCALES = ["bo", "zh_Hans", "en"]


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("locale", LOCALES)
def test_translate_review_fix_approve_and_the_tibetan_track_plays(server, browser, open_as_editor, tmp_path,
                                                                  locale, width):
    work_id = f"wb-{locale.replace('_', '-').lower()}-{width}"
    _exercise_copy(server, tmp_path, work_id)
    page = open_as_editor(f"/editor/translate/{work_id}/bo", locale=locale, width=width)
    assert page.locator("html").get_attribute("lang") == {"bo": "bo", "zh_Hans": "zh-Hans", "en": "en"}[locale]
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1  # no sideways scroll on a phone
    run_axe(page, "workbench", locale)
    sids = page.locator("li.seg").evaluate_all("els => els.map(e => e.dataset.sid)")
    cues = [s for s in sids if s.startswith("cue.")]
    assert len(cues) == 3
    starts = {sid: int(_seg(page, sid).get_attribute("data-start")) / 1000 for sid in cues}
    # keyboard only: each segment before the cues takes the memory's best suggestion (Alt+1) and is marked done
    page.locator(f'li.seg[id="seg-{sids[0]}"] textarea').focus()
    for sid in sids:
        row = _seg(page, sid)
        if sid == cues[0]:
            assert row.locator("button.use").first.locator(".sim").inner_text().startswith("100")
        if sid in cues[1:]:
            page.keyboard.type(CUE_2 if sid == cues[1] else CUE_3)
            # the player went to this cue and shows the draft over the picture
            assert abs(page.evaluate("document.getElementById('wb-video').currentTime") - starts[sid]) < 0.5
            assert page.locator("#wb-cue").inner_text().strip() == (CUE_2 if sid == cues[1] else CUE_3)
        else:
            page.keyboard.press("Alt+1")
        page.keyboard.press("Control+Enter")
    _settled(page)
    page.wait_for_function("() => document.querySelectorAll('li.seg.is-done').length === "
                           "document.querySelectorAll('li.seg').length")
    assert page.locator("#progress").evaluate("p => p.value") == len(sids)
    assert _seg(page, cues[2]).locator("ul.checks li.check-error").count() == 0
    page.keyboard.press("Alt+ArrowUp")  # the last segment stays put on Ctrl+Enter; Alt+Up goes back one
    assert page.evaluate("document.activeElement.closest('li.seg').dataset.sid") == cues[1]
    page.click("#submit-review")
    page.wait_for_url(QUEUE)
    # the reviewer comments on the second cue and sends the version back
    context, review = _login(browser, server, REVIEWER, locale, width)
    review.goto(f"{server.url}/editor/works/{work_id}/bo/review")
    assert review.locator(f'li.seg[id="seg-{cues[1]}"] .target').inner_text() == CUE_2
    assert review.evaluate("document.documentElement.scrollWidth") <= width + 1
    run_axe(review, "review", locale)
    review.fill(f'li.seg[id="seg-{cues[1]}"] input[name=text]', COMMENT)
    review.click(f'li.seg[id="seg-{cues[1]}"] button.comment-button')
    review.fill("#comment", "cue 2")
    review.click("#reject")
    review.wait_for_url(QUEUE)
    # the editor sees the comment on that cue, fixes it and sends the version again
    page.goto(f"{server.url}/editor/translate/{work_id}/bo")
    row = _seg(page, cues[1])
    assert COMMENT in row.locator("ul.comments").inner_text()
    row.locator("textarea").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(CUE_2_FIXED)
    page.keyboard.press("Control+Enter")
    _settled(page)
    page.click("#submit-review")
    page.wait_for_url(QUEUE)
    # the reviewer approves: the Tibetan track is public and plays with the source's cue times
    review.goto(f"{server.url}/editor/works/{work_id}/bo/review")
    review.click("#approve")
    review.wait_for_url(QUEUE)
    # the new track's WebVTT copy is a derived file the worker makes: reload until it is there
    assert reload_until(review, f"{server.url}/works/{work_id}", 'figure.player video track[srclang="bo"]',
                        seconds=90) == 1
    shown = review.evaluate("""async (at) => {
        const v = document.querySelector('figure.player video');
        const track = [...v.textTracks].find(t => t.language === 'bo');
        track.mode = 'showing';
        v.muted = true;
        await v.play();
        v.currentTime = at + 0.3;
        for (let i = 0; i < 100; i++) {
          const cues = track.activeCues;
          if (cues && cues.length && cues[0].startTime >= at - 0.01) {
            v.pause(); return [...cues].map(c => c.text).join('\\n'); }
          await new Promise(r => setTimeout(r, 100));
        }
        return null; }""", starts[cues[1]])
    assert shown == CUE_2_FIXED
    context.close()


TERM = ("磁单极子", "ཁབ་ལེན་རྩེ་གཅིག")
HELP_CUES = [("00:00:00.000", "00:00:03.000", "磁单极子还没有被找到。"),
             ("00:00:03.000", "00:00:06.000", "磁单极子是一种假想的粒子。")]
HELP_BO = "ཁབ་ལེན་རྩེ་གཅིག་ནི་བསམ་བློའི་ཕྲ་རྡུལ་ཞིག་ཡིན།"


def _import(server, tmp_path, name, record, cues):
    from tests.translation_data import vtt

    for lang, lines in cues.items():
        (tmp_path / f"{name}-{lang}.vtt").write_text(vtt(lines), encoding="utf-8")
    record["media"] = [{"path": f"{name}-{lang}.vtt", "role": "subtitle", "lang": lang} for lang in cues]
    path = tmp_path / f"{name}.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    lib = server.app.extensions["contentlib"]
    with server.app.app_context():
        lib.finish_import(lib.import_file(path).work_ids)
    return lib


def test_suggestions_and_terms_follow_saves_and_moves_and_the_buttons_work_without_javascript(
        server, browser, open_as_editor, tmp_path):
    lib = _import(server, tmp_path, "wb-helps", {"id": "wb-helps", "type": "video", "titles": {"zh": "磁单极子实验"},
                                                 "subjects": ["physical-science"], "audiences": ["youth"]},
                  {"zh": HELP_CUES})
    if not any(e.zh == TERM[0] for e in lib.glossary.entries()):
        lib.glossary.add(*TERM)
    page = open_as_editor("/editor/translate/wb-helps/bo", locale="en", width=1280)
    first, second = _seg(page, "cue.zh.1"), _seg(page, "cue.zh.2")
    assert first.locator(".wb-suggestions").is_hidden() and second.locator("button.use").count() == 0
    assert first.locator(".wb-terms .used").count() == 0
    # the term goes in with one click; the save's answer marks it used
    first.locator("textarea").focus()
    first.locator("button.term").click()
    _settled(page)
    assert first.locator("textarea").input_value() == TERM[1]
    first.locator(".wb-terms .used").wait_for()
    # meanwhile another work with that second cue is published: moving to the cue asks the memory again
    _import(server, tmp_path, "wb-helps-src", {
        "id": "wb-helps-src", "type": "video", "titles": {"zh": "磁单极子实验", "bo": "ཁབ་ལེན་རྩེ་གཅིག་གི་ཚོད་ལྟ"},
        "subjects": ["physical-science"], "audiences": ["youth"]},
        {"zh": HELP_CUES[1:], "bo": [("00:00:03.000", "00:00:06.000", HELP_BO)]})
    lib.translation.follow_memory()  # the memory learned it (waiting for a first build under way, if any)
    page.evaluate("document.getElementById('workbench').dataset.fresh = '0'")  # the page's helps count as old
    first.locator("textarea").focus()
    page.keyboard.press("Alt+ArrowDown")
    second.locator("button.use").first.wait_for()
    assert second.locator("button.use .sim").first.inner_text() == "100%"
    page.keyboard.press("Alt+1")
    page.keyboard.press("Control+Enter")
    _settled(page)
    assert second.locator("textarea").input_value() == HELP_BO
    # without JavaScript: the term's and the suggestion's buttons submit the segment's own form
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800},
                                  extra_http_headers={"Accept-Language": ACCEPT["en"]})
    plain = context.new_page()
    plain.goto(server.url + "/login")
    plain.fill("#name", "editor")
    plain.fill("#password", "correct horse battery")
    plain.press("#password", "Enter")
    plain.wait_for_load_state()
    plain.goto(server.url + "/editor/translate/wb-helps/bo")
    title = _seg(plain, "title")
    title.locator("textarea").fill("ཚོད་ལྟ")
    title.locator("button.term").click()
    plain.wait_for_load_state()
    assert _seg(plain, "title").locator("textarea").input_value() == "ཚོད་ལྟ་" + TERM[1]  # a tsheg, no space
    _seg(plain, "title").locator("button.use").first.click()
    plain.wait_for_load_state()
    assert _seg(plain, "title").locator("textarea").input_value() == "ཁབ་ལེན་རྩེ་གཅིག་གི་ཚོད་ལྟ"
    context.close()
