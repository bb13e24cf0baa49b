// The guided walk through the lessons (lessons.js): the entry list in the sidebar, the lesson
// panel (question, where to look, the before/after switch, Show the answer, Previous/Next and
// "3 of 11"), and what entering a lesson does: set the whole state and show the lesson's views.
// Leaving keeps the state for free play. The URL's `lesson=N` is in state.js's table.

import { LESSONS } from './lessons.js';
import { sites, standardActivations } from './catalog.js';
import { setText } from './dom.js';

const $ = (id) => document.getElementById(id);

/** Whether activations `acts` are the standard LSTM changed by `changes`. */
function matches(acts, changes) {
  const want = { ...standardActivations(), ...changes };
  return sites().every((s) => acts[s.name] === want[s.name]);
}

/**
 * `page` gives state(), change(patch), showViews(names|null), views (instances by name),
 * answerContext(), presenting() (presenter mode is on) and schedule().
 */
export function createWalk(page) {
  const panel = $('lesson');
  const title = $('lesson-title');
  const look = $('lesson-look');
  const progress = $('lesson-progress');
  const switcher = $('lesson-switch');
  const answerButton = $('lesson-answer-toggle');
  const answer = $('lesson-answer');
  let switchButtons = [];
  let open = false;
  let shownSwitch = -1;

  // The entry points in the sidebar: one per question.
  const list = $('lesson-list');
  LESSONS.forEach((lesson, k) => {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'link-button';
    button.textContent = lesson.title;
    button.dataset.lesson = String(k + 1);
    button.addEventListener('click', () => enter(k + 1));
    li.append(button);
    list.append(li);
  });

  const current = () => LESSONS[page.state().lesson - 1] ?? null;

  /** The index of the switch's variant the state matches, or -1. */
  function variantIndex(lesson, acts) {
    return lesson.variants ? lesson.variants.findIndex((v) => matches(acts, v.acts)) : -1;
  }

  function buildSwitch(lesson) {
    switcher.replaceChildren();
    switchButtons = [];
    switcher.hidden = !lesson.variants;
    if (!lesson.variants) return;
    lesson.variants.forEach((variant, k) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = variant.label;
      b.setAttribute('aria-pressed', 'false');
      b.addEventListener('click', () => page.change({ acts: { ...standardActivations(), ...variant.acts } }));
      switcher.append(b);
      switchButtons.push(b);
    });
  }

  function showAnswer(show) {
    open = show;
    answer.hidden = !show;
    answerButton.setAttribute('aria-expanded', String(show));
    setText(answerButton, show ? 'Hide the answer' : 'Show the answer');
    if (show) update();
  }

  /**
   * Enters lesson `n` (1-based). `apply` sets the lesson's whole state; a link that names a
   * lesson along with its own state keeps that state (apply: false).
   */
  function enter(n, { apply = true, focus = true } = {}) {
    const lesson = LESSONS[n - 1];
    if (!lesson) return;
    const state = page.state();
    state.lesson = n;
    if (apply) {
      const { setup } = lesson;
      // Fixed scales back to their default, which is on in the walk.
      state.fixed = null;
      page.change({
        preset: setup.preset,
        text: setup.text,
        acts: { ...standardActivations(), ...(lesson.variants?.[0].acts ?? {}), ...(setup.acts ?? {}) },
        cell: setup.cell ?? 'lstm',
        peepholes: setup.peepholes ?? false,
        t: setup.t ?? 0,
        unit: setup.unit ?? 0,
      });
      if (setup.calculator) page.views.calculator?.loadExample(setup.calculator);
      if (setup.training) page.views.training?.configure(setup.training);
      if (setup.study) page.views.study?.select(setup.study);
    }
    document.body.classList.add('in-lesson');
    panel.hidden = false;
    setText(title, lesson.title);
    showLook(lesson);
    setText(progress, `${n} of ${LESSONS.length}`);
    $('lesson-prev').disabled = n === 1;
    $('lesson-next').disabled = n === LESSONS.length;
    buildSwitch(lesson);
    showRelated(lesson);
    shownSwitch = -1;
    showAnswer(false);
    page.showViews(lesson.views);
    page.schedule();
    window.scrollTo(0, 0);
    if (focus) panel.focus({ preventScroll: true });
  }

  /**
   * Where to look: the key view's sentence, and the other views' (`also`) where they are on
   * screen (presenter mode shows the key view alone).
   */
  function showLook(lesson) {
    const others = lesson.also && !page.presenting();
    setText(look, others ? `${lesson.look} ${lesson.also}` : lesson.look);
  }

  /** The link on to a related lesson, where the lesson names one. */
  function showRelated(lesson) {
    const button = $('lesson-related');
    button.hidden = !lesson.related;
    if (lesson.related) setText(button, lesson.related.label);
  }

  /** Leaves the walk; the state stays as it is for free play. */
  function leave() {
    page.state().lesson = 0;
    document.body.classList.remove('in-lesson');
    panel.hidden = true;
    page.showViews(null);
    page.schedule();
  }

  /** Moves by `delta` lessons (stays within the walk). */
  function go(delta) {
    const n = page.state().lesson;
    if (!n) return;
    const next = Math.max(1, Math.min(LESSONS.length, n + delta));
    if (next !== n) enter(next);
  }

  /** Keeps the switch and an open answer in step with the state (after every redraw). */
  function update() {
    const lesson = current();
    if (!lesson) return;
    const state = page.state();
    showLook(lesson);
    const k = variantIndex(lesson, state.acts);
    if (k !== shownSwitch) {
      shownSwitch = k;
      switchButtons.forEach((b, j) => b.setAttribute('aria-pressed', String(j === k)));
    }
    if (open) setText(answer, lesson.answer({ ...page.answerContext(), variant: k }));
  }

  $('lesson-prev').addEventListener('click', () => go(-1));
  $('lesson-next').addEventListener('click', () => go(1));
  $('lesson-exit').addEventListener('click', leave);
  $('lesson-related').addEventListener('click', () => {
    const related = current()?.related;
    if (related) enter(LESSONS.findIndex((l) => l.question === related.question) + 1);
  });
  $('start-walk').addEventListener('click', () => enter(page.state().lesson || 1));
  answerButton.addEventListener('click', () => showAnswer(!open));

  return { enter, leave, go, update, current, count: LESSONS.length };
}
