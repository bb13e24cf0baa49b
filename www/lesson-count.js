// How many lessons the walk has (lessons.js), kept apart so that links can be read without
// loading the lessons themselves (an embed never needs them). A browser test checks that the two
// agree.
export const LESSON_COUNT = 17;
