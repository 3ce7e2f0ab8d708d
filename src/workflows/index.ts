// The workflows this worker runs (the bundle's entry point).
export { cashbackWorkflow } from './cashback-workflow.ts';
