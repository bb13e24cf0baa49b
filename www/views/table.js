// The view table: every view of the page, the section that holds it, and how it is made. main.js
// loops over it, so a new view is its module, its renderer and one row here (plus its section in
// index.html). `views=` (links and embeds), the Embed and Save dialogs and the lessons name views
// by these names. A view's module is loaded only when the view is shown at start (an embed of
// the timeline loads neither the calculator nor the training lab).
//
//   name     the view's name in lessons and links
//   section  the id of the element that holds it (hidden with it)
//   label    what a person calls it
//   load     () → a promise of its `create(page)` → {update(frame), highlight?(row, from)}.
//            `page` gives state(), change(patch), schedule(), highlight(row, from), timeWindow,
//            notify(message) and the callbacks below; `frame` gives summary, detail (the
//            selected step), state, t, unit, scale (canvas text scale) and window(cssWidth)
//            (the shared window of timesteps).
//   save     what the Save dialog offers for it: 'png' and 'svg' (see export.js)
//   lineChart  true for the two plotters line charts: a link that shows neither runs on the
//            page module built without them (www/pkg-lite)
//   waits    true for a view that is not updated while scrolled far out of sight (it is
//            updated when it comes back): a slider drag at the top then redraws only what can
//            be seen. The views at the top and the screen-reader table are always kept current.
//   listed   false for a view no link names (the screen-reader table, always kept)
//   ownControls  true for a view with its own controls that reads nothing of the cell on screen:
//            an embed of such views alone shows none of the page's controls (control-table.js)
//
// Views are updated in this order on every redraw, and only while their section is shown.

export const VIEWS = [
  {
    name: 'diagram', section: 'diagram-view', label: 'cell diagram', save: ['png', 'svg'],
    load: () => import('./diagram.js').then((m) => m.createDiagram),
  },
  {
    name: 'timeline', section: 'timeline-view', label: 'heatmaps of every gate', save: ['png', 'svg'],
    load: () => import('./timeline.js').then((m) => m.createTimeline),
  },
  {
    name: 'cell', section: 'cell-view', waits: true, label: 'cell state chart', save: ['png', 'svg'], lineChart: true,
    load: () => import('./cell-chart.js').then((m) => m.createCellChart),
  },
  {
    name: 'activations', section: 'activations-view', waits: true, label: 'activations and derivatives', save: ['png', 'svg'], lineChart: true,
    load: () => import('./activations.js').then((m) => m.createActivationPanel),
  },
  {
    name: 'inspector', section: 'inspector-view', waits: true, label: 'inspector',
    load: () => import('./inspector.js').then((m) => m.createInspector),
  },
  {
    name: 'search', section: 'search-view', waits: true, label: 'unit search',
    load: () => import('./search.js').then((m) => m.createSearch),
  },
  {
    name: 'parameters', section: 'parameters-view', waits: true, label: 'parameter count',
    load: () => import('./summary.js').then((m) => m.createParameters),
  },
  {
    name: 'saturation', section: 'saturation-view', waits: true, label: 'gate saturation',
    load: () => import('./summary.js').then((m) => m.createSaturation),
  },
  {
    name: 'scatter', section: 'scatter-view', waits: true, label: 'saturation scatter',
    load: () => import('./summary.js').then((m) => m.createScatter),
  },
  {
    name: 'calculator', section: 'calculator-view', waits: true, label: 'one-step calculator',
    load: () => import('./calculator.js').then((m) => m.createCalculator),
  },
  {
    name: 'data', section: 'step-data', label: 'data table of the selected step', listed: false,
    load: () => import('./step-table.js').then((m) => m.createStepTable),
  },
  {
    name: 'training',
    section: 'training',
    label: 'training lab',
    load: () => import('../training/training.js').then(({ createTraining }) => (page) => createTraining({
      context: () => ({ text: page.state().text, acts: page.state().acts, peepholes: page.state().peepholes }),
      onWeights: page.showTrainedWeights,
      onError: (message) => page.notify(message, 'error'),
      // A lesson's answer may read the comparison's results: it follows them as they come.
      onResults: page.schedule,
      scale: page.scale,
    })),
  },
  {
    name: 'study', section: 'study-view', waits: true, ownControls: true, label: 'studies of the papers',
    load: () => import('../training/study-panel.js').then((m) => m.createStudyPanel),
  },
];

/** One view's row by name. */
export const viewRow = (name) => VIEWS.find((v) => v.name === name);

/** The names a link may list in `views=`. */
export const viewNames = () => VIEWS.filter((v) => v.listed !== false).map((v) => v.name);
