// The "Try it" buttons: one-click experiments, each answering one of the learners' questions
// by setting a preset and activations from the standard LSTM. (A later issue replaces these.)

import { preset, standardActivations } from './catalog.js';

const EXPERIMENTS = [
  {
    label: 'Remove the input gate',
    question: 'Why multiply by a sigmoid at all?',
    preset: 'counter',
    acts: { input: 'none' },
    expect: 'Every symbol, not only brackets, now moves the cell state; and one block of weights is gone.',
  },
  {
    label: 'Candidate → sigmoid',
    question: 'Why can the candidate not be a sigmoid?',
    preset: 'counter',
    acts: { candidate: 'sigmoid' },
    expect: 'The count can only go up: a sigmoid candidate cannot decrement.',
  },
  {
    label: 'Candidate → ReLU',
    question: 'Can I use ReLU instead of tanh?',
    preset: 'counter',
    acts: { candidate: 'relu' },
    expect: 'ReLU(−10) = 0, so ")" no longer counts down.',
  },
  {
    label: 'Cell output → ReLU',
    question: 'ReLU on the way out?',
    preset: 'counter',
    acts: { cell_output: 'relu' },
    text: '(()))))((',
    expect: 'Negative memory is hidden: h is 0 whenever the depth is below zero.',
  },
  {
    label: 'Gates → tanh',
    question: 'Why sigmoid for gates?',
    preset: 'latch',
    acts: { forget: 'tanh', input: 'tanh', output: 'tanh' },
    expect: 'A tanh gate can be −1: on S/R the forget gate flips the memory\'s sign instead of clearing it.',
  },
  {
    label: 'Hard-sigmoid gates',
    question: 'Is an LSTM really a counter?',
    preset: 'counter',
    acts: { forget: 'hard_sigmoid', input: 'hard_sigmoid', output: 'hard_sigmoid' },
    expect: 'The cell state is exactly the bracket depth at every step.',
  },
];

/** One button per experiment; each calls `onChange(patch)` and explains what to look for. */
export function buildExperiments(onChange) {
  const container = document.getElementById('experiments');
  for (const experiment of EXPERIMENTS) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = experiment.label;
    button.title = experiment.question;
    button.addEventListener('click', () => {
      onChange({
        preset: experiment.preset,
        acts: { ...standardActivations(), ...experiment.acts },
        text: experiment.text ?? preset(experiment.preset).text,
      });
      document.getElementById('experiment-note').textContent = `${experiment.question} ${experiment.expect}`;
    });
    container.append(button);
  }
}
