// The control table: every group of controls a link can show or hide, by name. The URL reader
// (`controls=` in state.js), the page (main.js applyControls) and the Embed dialog all read it,
// in the spirit of TensorFlow Playground's hide flags. A new control group is one row here.
//
//   name      its name in `controls=` (comma-separated; `controls=none` hides them all)
//   label     what the Embed dialog calls it
//   elements  () → the elements it shows or hides
//   embed     true when an embed shows it unless the link says otherwise

import { cellSites, sites } from './catalog.js';
import { viewRow } from './views/table.js';

const $ = (id) => document.getElementById(id);

/**
 * The control groups; with `cell`, only that design's activation sites among them (what the
 * Embed dialog offers for the cell on screen).
 */
export function controlTable(cell = null) {
  return [
    { name: 'text', label: 'text box', elements: () => [$('text-section')], embed: true },
    { name: 'model', label: 'weights and hidden size', elements: () => [$('model-section')], embed: false },
    { name: 'cell', label: 'cell design and peepholes', elements: () => [$('cell-section')], embed: false },
    ...(cell ? cellSites(cell) : sites()).map((site) => ({
      name: site.name,
      label: `${site.label} activation`,
      elements: () => [$(`act-${site.name}`)?.closest('.act-row')].filter(Boolean),
      embed: true,
    })),
    { name: 'step', label: 'step, play and unit', elements: () => [$('stepper')], embed: true },
  ];
}

/** The names of every control group. */
export const controlNames = () => controlTable().map((c) => c.name);

/**
 * The groups shown when a link does not say: all of them, or in an embed the `embed` ones, and
 * none in an embed of views that bring their own controls and read nothing of the cell on
 * screen (the Study panel).
 */
export function defaultControls(embed, views = null) {
  if (embed && views?.length && views.every((name) => viewRow(name)?.ownControls)) return [];
  return controlTable().filter((c) => !embed || c.embed).map((c) => c.name);
}
