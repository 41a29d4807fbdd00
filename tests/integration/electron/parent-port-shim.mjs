// What Electron gives a utilityProcess, for running electron/main/engine-process.ts as a plain
// Node child in tests: process.parentPort with MessageEvent-shaped messages over Node's IPC.
const wrapped = new Map();
process.parentPort = {
  postMessage: (m) => process.send?.(m),
  on(event, handler) {
    const h = (m) => handler({ data: m, ports: [] });
    wrapped.set(handler, h);
    process.on(event, h);
    return this;
  },
  off(event, handler) {
    process.off(event, wrapped.get(handler));
    wrapped.delete(handler);
    return this;
  },
};
// Without Electron nothing else keeps the process alive between messages: the IPC channel does.
