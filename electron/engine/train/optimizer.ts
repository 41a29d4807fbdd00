import * as tf from '@tensorflow/tfjs';

/**
 * AdamW (decoupled weight decay, Loshchilov & Hutter 2019) with global-norm gradient clipping.
 * Written over tf ops instead of tf.train.adam because that optimizer has no weight decay, no
 * clipping and no public way to change the learning rate per step, and because its state must
 * be checkpointed for resume.
 */
export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** Global L2 norm above which gradients are scaled down. */
  clipNorm?: number;
  /** Variables exempt from weight decay (biases, norms, temperatures). */
  noDecay?: (v: tf.Variable) => boolean;
}

/** Moments keyed by the variable's position in the list given to getState/setState, not by its tf name. */
export interface AdamWState {
  step: number;
  m: Record<string, number[]>;
  v: Record<string, number[]>;
}

export class AdamW {
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly clipNorm: number;
  private readonly noDecay: (v: tf.Variable) => boolean;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  step = 0;
  /** Global gradient norm of the last update, before clipping. */
  lastGradNorm = 0;

  constructor(opts: AdamWOptions = {}) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 1e-4;
    this.clipNorm = opts.clipNorm ?? 1.0;
    this.noDecay = opts.noDecay ?? ((v) => v.shape.length <= 1);
  }

  private slot(map: Map<string, tf.Variable>, v: tf.Variable): tf.Variable {
    let s = map.get(v.name);
    if (!s) {
      // In a tidy: a variable made from a temporary would otherwise keep that temporary alive.
      s = tf.tidy(() => tf.variable(tf.zerosLike(v), false));
      map.set(v.name, s);
    }
    return s;
  }

  /** Apply one update; disposes the gradients it is given. */
  apply(grads: Record<string, tf.Tensor>, vars: tf.Variable[], lr: number): void {
    this.step += 1;
    const t = this.step;
    // A variable the loss does not reach has no gradient: it is skipped here as in the update below.
    const present = vars.filter((v) => grads[v.name]);
    const sq = present.length ? tf.tidy(() => tf.addN(present.map((v) => tf.sum(tf.square(grads[v.name])))).dataSync()[0]) : 0;
    this.lastGradNorm = Math.sqrt(sq);
    const scale = this.clipNorm > 0 && this.lastGradNorm > this.clipNorm ? this.clipNorm / this.lastGradNorm : 1;
    const bc1 = 1 - this.beta1 ** t;
    const bc2 = 1 - this.beta2 ** t;
    for (const v of vars) {
      const g0 = grads[v.name];
      if (!g0) continue;
      const m = this.slot(this.m, v);
      const s = this.slot(this.v, v);
      tf.tidy(() => {
        const g = scale === 1 ? g0 : tf.mul(g0, scale);
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        s.assign(tf.add(tf.mul(s, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const update = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(s, bc2)), this.eps));
        let next = tf.sub(v, tf.mul(update, lr));
        if (this.weightDecay > 0 && !this.noDecay(v)) next = tf.sub(next, tf.mul(v, lr * this.weightDecay));
        v.assign(next);
      });
    }
    for (const g of Object.values(grads)) g.dispose();
  }

  /**
   * Moments by position in `vars`: tf variable names are process-wide counters, so a resumed run
   * (new variables, same order) would not find its moments under the old names.
   */
  getState(vars: tf.Variable[]): AdamWState {
    const dump = (map: Map<string, tf.Variable>) =>
      Object.fromEntries(vars.flatMap((v, i) => {
        const s = map.get(v.name);
        return s ? [[String(i), Array.from(s.dataSync())]] : [];
      }));
    return { step: this.step, m: dump(this.m), v: dump(this.v) };
  }

  setState(state: AdamWState, vars: tf.Variable[]): void {
    this.step = state.step;
    vars.forEach((v, i) => {
      for (const [map, saved] of [
        [this.m, state.m],
        [this.v, state.v],
      ] as const) {
        const data = saved[String(i)];
        if (!data) continue;
        const slot = this.slot(map, v);
        tf.tidy(() => slot.assign(tf.tensor(data, v.shape)));
      }
    });
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}
