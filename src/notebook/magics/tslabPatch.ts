/**
 * The patch of tslab 1.0.22's private `dist/jupyter` module that lets magics run in the kernel, and
 * installMagics, which applies it. tslab has no hook for this, so the patch wraps two methods;
 * docs/kernel.md says what it relies on and what breaks if tslab changes. The interfaces below are the
 * few tslab internals the patch touches, no more.
 */
import { kernelJupyterModule } from '../kernel';
import { enableCellSignals } from '../cellSignals';
import { registerBuiltinMagics } from './builtins';
import { rewriteCell } from './rewrite';

/** tslab's ExecutionCount: thrown by handleExecuteImpl when a cell fails, returned when it succeeds. */
interface ExecutionCount { count: number }

/** tslab's TaskQueue (util.js): a task runs after the previous one; a failed task cancels the later ones. */
interface TaskQueue {
  add<T>(task: () => T | Promise<T>): Promise<T>;
}

/** The content of an execute_request (Jupyter messaging protocol 5.3). */
interface ExecuteRequest { code?: unknown; stop_on_error?: boolean }

interface ExecuteReply { status: 'ok' | 'error' | 'abort'; execution_count: number | undefined }

/** tslab's ZmqMessage: a Jupyter wire message that can make and send replies. */
interface WireMessage {
  header: { msg_type: string };
  content: unknown;
  createReply(): WireMessage;
  signAndSend(key: string, socket: unknown): void;
}

type Writer = unknown; // tslab's writeStream / writeDisplayData callbacks, passed through untouched

/** tslab's JupyterHandlerImpl: runs execute requests one after another on its queue. */
export interface TslabHandler {
  execQueue: TaskQueue;
  execCount: number;
  handleExecute(req: ExecuteRequest, writeStream: Writer, writeDisplayData: Writer): Promise<ExecuteReply>;
  handleExecuteImpl(req: ExecuteRequest, writeStream: Writer, writeDisplayData: Writer): Promise<ExecutionCount>;
}

/** tslab's ZmqServer: receives requests on the shell socket, publishes outputs on iopub. */
export interface TslabServer {
  handler: TslabHandler;
  connInfo: { key: string };
  iopub: unknown;
  handleExecute(socket: unknown, msg: WireMessage): Promise<void>;
}

/** What the patch needs of tslab's `dist/jupyter` module: the prototypes of the two classes. */
export interface TslabJupyterClasses {
  ZmqServer: { prototype: TslabServer };
  JupyterHandlerImpl: { prototype: TslabHandler };
}

const PATCHED = Symbol.for('scalinglab.tslabPatched.v1');

function isExecutionCount(e: unknown): e is ExecutionCount {
  return typeof e === 'object' && e !== null && typeof (e as { count?: unknown }).count === 'number';
}

/**
 * Patches a tslab `dist/jupyter` module so that
 * - execute requests go through `rewrite` (the magic rewriter) first; a bad magic answers with a
 *   proper `error` output (ename MagicError) and an error reply, in order with the cells before it,
 *   and does not abort the cells queued after it (nothing ran);
 * - requests sent with `stop_on_error: false` (nbclient with allow_errors, "raises-exception" cells)
 *   do not make tslab abort the requests arriving in the next 200 ms after an error.
 * Returns false when the module was already patched.
 */
export function patchTslab(jupyter: TslabJupyterClasses, rewrite: (code: string) => string | null = rewriteCell): boolean {
  const server = jupyter.ZmqServer.prototype;
  if (PATCHED in server) return false;
  Object.defineProperty(server, PATCHED, { value: true });
  rewriteBeforeExecute(server, rewrite);
  keepQueueAfterAllowedErrors(jupyter.JupyterHandlerImpl.prototype);
  return true;
}

/** ZmqServer.handleExecute, wrapped: the cell's code is rewritten before tslab sees it. */
function rewriteBeforeExecute(server: TslabServer, rewrite: (code: string) => string | null): void {
  const original = server.handleExecute;
  server.handleExecute = async function (this: TslabServer, socket: unknown, msg: WireMessage) {
    const request = (msg?.content ?? {}) as ExecuteRequest;
    let rewritten: string | null = null;
    try {
      rewritten = typeof request.code === 'string' ? rewrite(request.code) : null;
    } catch (err) {
      return sendMagicError(this, socket, msg, err);
    }
    if (typeof rewritten === 'string') msg.content = { ...request, code: rewritten };
    return original.call(this, socket, msg);
  };
}

/** JupyterHandlerImpl.handleExecute, wrapped: with stop_on_error false, a failing cell leaves the queue running. */
function keepQueueAfterAllowedErrors(handler: TslabHandler): void {
  const original = handler.handleExecute;
  handler.handleExecute = async function (this: TslabHandler, req: ExecuteRequest, writeStream: Writer, writeDisplayData: Writer) {
    if (!req || req.stop_on_error !== false) return original.call(this, req, writeStream, writeDisplayData);
    // Same as tslab's handleExecute, but a failing cell neither poisons the queue nor aborts later requests.
    let outcome: { count?: ExecutionCount; error?: unknown };
    try {
      outcome = await this.execQueue.add(() => this.handleExecuteImpl(req, writeStream, writeDisplayData)
        .then((count) => ({ count }), (error: unknown) => ({ error })));
    } catch {
      return { status: 'abort', execution_count: undefined };
    }
    if (outcome.error !== undefined) {
      if (isExecutionCount(outcome.error)) return { status: 'error', execution_count: outcome.error.count };
      console.error('unexpected error:', outcome.error);
      return { status: 'error', execution_count: undefined };
    }
    return { status: 'ok', execution_count: outcome.count ? outcome.count.count : undefined };
  };
}

/** Answers a request whose magic failed to compile: an `error` output on iopub and an error reply. */
async function sendMagicError(server: TslabServer, socket: unknown, msg: WireMessage, err: unknown): Promise<void> {
  const handler = server.handler;
  const ename = (err as Error)?.name || 'MagicError';
  const evalue = (err as Error)?.message ?? String(err);
  let aborted = false;
  try {
    await handler.execQueue.add(() => undefined); // keep the order of outputs with the cells queued before
  } catch {
    aborted = true;
  }
  const reply = msg.createReply();
  reply.header.msg_type = 'execute_reply';
  if (aborted) {
    reply.content = { status: 'abort' };
    reply.signAndSend(server.connInfo.key, socket);
    return;
  }
  const count = ++handler.execCount;
  const traceback = [`\u001b[0;31m${ename}\u001b[0m: ${evalue}`];
  const out = msg.createReply();
  out.header.msg_type = 'error';
  out.content = { ename, evalue, traceback };
  out.signAndSend(server.connInfo.key, server.iopub);
  reply.content = { status: 'error', execution_count: count, ename, evalue, traceback };
  reply.signAndSend(server.connInfo.key, socket);
}

/** The live kernel's tslab `dist/jupyter` module, when it has the two classes the patch wraps. */
function liveTslabClasses(): TslabJupyterClasses | null {
  const mod = kernelJupyterModule() as unknown as Partial<Record<keyof TslabJupyterClasses, unknown>> | null;
  if (!mod || typeof mod.ZmqServer !== 'function' || typeof mod.JupyterHandlerImpl !== 'function') return null;
  return mod as TslabJupyterClasses;
}

/**
 * Turns the magics on: registers the built-in magics and patches tslab so cells go through the
 * rewriter, and gives each cell an abort signal that a kernel interrupt aborts (cellSignals.ts). The scalinglab kernel launcher calls it with the tslab module it starts; in the stock
 * tslab kernel, run `installMagics()` in the first cell (again after each kernel restart) and later
 * cells may use %% and % magics. Returns true when the kernel was patched (or already was), false
 * outside a tslab kernel (and then registers nothing).
 */
export function installMagics(jupyter: TslabJupyterClasses | null = liveTslabClasses()): boolean {
  if (!jupyter) return false;
  registerBuiltinMagics();
  patchTslab(jupyter);
  enableCellSignals(jupyter.JupyterHandlerImpl.prototype);
  return true;
}
