/**
 * The package root: the science (`./core`, also importable alone as `scalinglab/core`) and the
 * notebook layer (display, charts, progress bar, magics, templates, checkAgainstPaper).
 *
 * Its one side effect: inside a live tslab kernel it registers the notebook renderer with the display
 * hook, so a result that is a cell's last value shows as a chart and a table. Outside a kernel
 * importing it changes nothing. It never registers magics: the scalinglab kernel or installMagics()
 * does that.
 */
import { enableNotebookDisplay, inKernel } from './notebook';

export * from './core';
export * from './notebook';

if (inKernel()) enableNotebookDisplay();
