/** The engine's contract: request/result/event types, request schemas, errors as data, the wire format. */
export * from './errors';
export * from './types';
export * from './operations';
export * from './validate';
export * from './api';
export * from './messages';
export * from './client';
export * from './clip-range';
