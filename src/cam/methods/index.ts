/** The built-in CAM methods, registered by ../registry at load. */
import type { CamMethodDef } from '../types';
import { gradCam } from './grad-cam';
import { gradCamPlusPlus } from './grad-cam-plus-plus';
import { xGradCam } from './xgrad-cam';
import { layerCam } from './layer-cam';
import { hiResCam } from './hires-cam';

export { gradCam, gradCamPlusPlus, xGradCam, layerCam, hiResCam };

/** Built-in methods in listing order. */
export const builtinCamMethods: readonly CamMethodDef[] = [gradCam, gradCamPlusPlus, xGradCam, layerCam, hiResCam];
