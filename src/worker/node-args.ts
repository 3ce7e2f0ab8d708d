// How a worker's Node.js is started, wherever it is (npm run worker, npm start, the Dockerfile, the tests): its main
// thread's V8 heap capped. Left alone V8 sizes it from the machine's memory and collects lazily, and the worker's RSS
// grows with it; the main thread holds the activities, the ORM and the SDK's bridge, well under this. The workflow
// thread gets its own limit, scaled to the cache (workflowHeapLimitMiB in create-worker.ts).
export const WORKER_NODE_ARGS = ['--max-old-space-size=384'];
