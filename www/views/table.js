// The view table: every view of the page, the section that holds it, and how it is made. main.js
// loops over it, so a new view is its module, its renderer and one row here (plus its section in
// index.html). `views=` (embedding) and the lessons name views by these names.
//
//   name     the view's name in lessons and links
//   section  the id of the element that holds it (hidden with it)
//   label    what a person calls it
//   create   (page) → {update(frame), highlight?(row, from)}. `page` gives state(), change(patch),
//            schedule(), highlight(row, from), timeWindow, notify(message) and the callbacks
//            below; `frame` gives summary, detail (the selected step), state, t, unit, scale
//            (canvas text scale) and window(cssWidth) (the shared window of timesteps).
//
// Views are updated in this order on every redraw, and only while their section is shown.

import { createDiagram } from './diagram.js';
import { createTimeline } from './timeline.js';
import { createCellChart } from './cell-chart.js';
import { createActivationPanel } from './activations.js';
import { createInspector } from './inspector.js';
import { createParameters, createSaturation } from './summary.js';
import { createCalculator } from './calculator.js';
import { createStepTable } from './step-table.js';
import { createTraining } from '../training/training.js';

export const VIEWS = [
  { name: 'diagram', section: 'diagram-view', label: 'cell diagram', create: createDiagram },
  { name: 'timeline', section: 'timeline-view', label: 'heatmaps of every gate', create: createTimeline },
  { name: 'cell', section: 'cell-view', label: 'cell state chart', create: createCellChart },
  { name: 'activations', section: 'activations-view', label: 'activations and derivatives', create: createActivationPanel },
  { name: 'inspector', section: 'inspector-view', label: 'inspector', create: createInspector },
  { name: 'parameters', section: 'parameters-view', label: 'parameter count', create: createParameters },
  { name: 'saturation', section: 'saturation-view', label: 'gate saturation', create: createSaturation },
  { name: 'calculator', section: 'calculator-view', label: 'one-step calculator', create: createCalculator },
  { name: 'data', section: 'step-data', label: 'data table of the selected step', create: createStepTable },
  {
    name: 'training',
    section: 'training',
    label: 'training lab',
    create: (page) => createTraining({
      context: () => ({ text: page.state().text, acts: page.state().acts }),
      onWeights: page.showTrainedWeights,
      onError: (message) => page.notify(message, 'error'),
    }),
  },
];

/** One view's row by name. */
export const viewRow = (name) => VIEWS.find((v) => v.name === name);
