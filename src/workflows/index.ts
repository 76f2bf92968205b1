/**
 * The workflow bundle's entry point (workflowsPath / bundleWorkflowCode): every workflow the worker runs, by name.
 */
export { recordingWorkflow } from './recording';
