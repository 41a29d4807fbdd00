#!/usr/bin/env python3
"""
Round 6 of docs/similarity.md (issue 12 §1): learn what "same album" means from MANY albums the
evaluation never sees. Prototype (numpy + scipy; not part of the app).

The training albums: `npm run album-set -- --set train --per-album 12` (.cache/albums/train-set,
catalog .cache/albums/train/catalog.sqlite, production signatures in .cache/albums/train/music-space
after `eval-similar` on it). The evaluation albums: the seven of `npm run album-set`
(.cache/albums/set, .cache/albums/catalog.sqlite). No package, game or file is in both.

Protocol (written into docs/similarity.md before the single evaluation):
- every learner and every setting is scored by leave-albums-out validation INSIDE the training
  set: SPLITS random splits of its albums into FIT albums (the metric is learned on their labels)
  and HELD albums (a library of their own: the profile is z-scored over its tracks, and only its
  tracks are queries and candidates); mean MAP@R and P@1 over the splits;
- the choice = the highest mean (MAP@R + P@1) / 2 over the splits, with diffusion on top (what
  `similar` serves), against the served space on the same held-out libraries;
- the chosen setting is then learned on all training albums and evaluated ONCE on the seven
  evaluation albums: all 134, and the two halves as eval-similar defines them (every track of a
  half fitted and scored on that half alone); `--final` prints that, nothing else reads it.

    python3 scripts/dev/album-metric-prototype.py [--only PREFIX] [--final SETTING [--posthoc]]

--posthoc (after the evaluation; an input to nothing): per-album P@1 and each family's album
separation in the training and the evaluation set. The outcome (the chosen WCCN lost on the
evaluation albums, nothing shipped): docs/similarity.md, sixth round.
"""
import ast, base64, json, os, sqlite3, sys, itertools
import numpy as np
from scipy.optimize import minimize

CACHE = '.cache/albums'
SPLITS = 12
HELD = 7


def load(catalog, setdir, production_json):
    db = sqlite3.connect(catalog)
    setdir = os.path.realpath(setdir)
    rows = db.execute("""SELECT t.id, f.path, x.t, x.d, x.names, x.data, f.hash FROM tracks t JOIN files f ON f.id = t.file_id
                         JOIN features x ON x.track_id = t.id AND x.modality = 'audio' ORDER BY t.id""").fetchall()
    rows = [r for r in rows if not os.path.relpath(r[1], setdir).startswith('..')]
    names = json.loads(rows[0][4])
    seqs = [np.frombuffer(r[5], dtype=np.float32).reshape(r[2], r[3]).astype(np.float64) for r in rows]
    albums = np.array([os.path.relpath(r[1], setdir).split(os.sep)[0] for r in rows])
    vec = json.load(open(production_json))['vectors']
    missing = [r[1] for r in rows if r[6] not in vec]
    if missing: sys.exit(f'{production_json}: no production signature for {len(missing)} tracks, e.g. {missing[0]}')
    P = np.array([np.frombuffer(base64.b64decode(vec[r[6]]), dtype=np.float32).astype(np.float64) for r in rows])
    F = [families(s, names) for s in seqs]
    X = {k: np.array([f[k] for f in F]) for k in F[0]}
    X['production_shape'] = P[:, :P.shape[1] // 2]; X['production_width'] = P[:, P.shape[1] // 2:]
    return X, albums


def families(s, names):
    """profile.ts trackProfile: the reference implementation of similarity-prototype.py (its function definitions only, run here)."""
    src = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'similarity-prototype.py')).read()
    ns = {'np': np, 'names': names, 'MEL': [i for i, n in enumerate(names) if n.startswith('mel_')]}
    for node in ast.parse(src).body:
        if isinstance(node, ast.FunctionDef) and node.name in ('dct', 'moments', 'families'):
            exec(compile(ast.Module(body=[node], type_ignores=[]), 'similarity-prototype.py', 'exec'), ns)
    return ns['families'](s)


def unit(U): return U / np.maximum(np.linalg.norm(U, axis=1, keepdims=True), 1e-12)
def zs(V):
    sd = V.std(0); sd[sd < 1e-9] = np.inf; return (V - V.mean(0)) / sd


def blocks(X, mask):
    """The profile's families of these tracks, each z-scored over them and scaled 1/√dim (× 3 for production), not yet unit."""
    fams = list(X)
    B = [zs(X[k][mask]) * (3.0 if k.startswith('production') else 1.0) / np.sqrt(X[k].shape[1]) for k in fams]
    return fams, B


def served_rows(X, mask): return unit(np.hstack(blocks(X, mask)[1]))


def diffusion_rows(sim, k=5, a=0.9, p=6, weights=None):
    """diffusion.ts: unit rows of L^-T for (I - aS) = LL^T on the mutual kNN graph plus each row's nearest edge
    (edge weights from `weights` when given, else from sim: round7-prototype.py picks the neighbours by one, weighs by another)."""
    s = sim.copy(); np.fill_diagonal(s, -np.inf); nn = np.argsort(-s, 1, kind='stable')[:, :k]
    n = len(sim); A = np.zeros(sim.shape, bool)
    for i in range(n): A[i, nn[i]] = True
    M = A & A.T
    for i in range(n): M[i, nn[i, 0]] = M[nn[i, 0], i] = True
    W = np.where(M, np.maximum(sim if weights is None else weights, 0) ** p, 0); d = W.sum(1); d[d == 0] = 1
    L = np.linalg.cholesky(np.eye(n) - a * W / np.sqrt(np.outer(d, d)))
    return unit(np.linalg.inv(L).T)


def scores(sim, y):
    sim = sim.copy(); np.fill_diagonal(sim, -np.inf); ap = []; p1 = []
    for i in range(len(y)):
        R = (y == y[i]).sum() - 1
        if R == 0: continue
        rel = (y[np.argsort(-sim[i], kind='stable')[:R]] == y[i]).astype(float)
        p1.append(rel[0]); ap.append((np.cumsum(rel) / np.arange(1, R + 1) * rel).sum() / R)
    return np.mean(ap), np.mean(p1)


def labels(albums):
    A = sorted(set(albums)); return np.array([A.index(a) for a in albums])


# ---- learners: each returns a function rows(X, mask) -> unit rows of a library --------------------

def fam_scores(X, mask, y):
    """Per family: how much of its cosine spread is album (same-album mean cos − other mean cos, over its std)."""
    fams, B = blocks(X, mask)
    same = y[:, None] == y[None, :]; off = ~np.eye(len(y), dtype=bool)
    out = []
    for b in B:
        c = unit(b) @ unit(b).T
        out.append((c[same & off].mean() - c[~same].mean()) / (c[off].std() + 1e-12))
    return np.array(out)


def learn_family_fisher(X, mask, y, p):
    """Per-family weights ∝ max(separation, 0)^p, normalised to mean 1 over families, times the served weights."""
    s = np.maximum(fam_scores(X, mask, y), 0) ** p
    w = s / s.mean()
    return lambda X2, m2: unit(np.hstack([wf * b for wf, b in zip(w, blocks(X2, m2)[1])]))


def learn_dim_fisher(X, mask, y, p, shrink):
    """Per-dimension weights: (between-album variance / within-album variance)^p, shrunk toward 1."""
    Z = np.hstack(blocks(X, mask)[1])
    mu = np.array([Z[y == c].mean(0) for c in np.unique(y)])
    within = np.mean([Z[y == c].var(0) for c in np.unique(y)], 0)
    between = mu.var(0)
    r = between / (within + 1e-9 * within.mean() + 1e-12)
    w = (1 - shrink) * (r / r.mean()) ** p + shrink
    return lambda X2, m2: unit(np.hstack(blocks(X2, m2)[1]) * np.sqrt(w))


def learn_wccn(X, mask, y, power, shrink, rank=None):
    """Within-album covariance normalisation: rows × C_w^(−power), C_w shrunk toward its mean eigenvalue; optional PCA first."""
    Z = unit(np.hstack(blocks(X, mask)[1]))
    Zc = np.vstack([Z[y == c] - Z[y == c].mean(0) for c in np.unique(y)])
    Cw = Zc.T @ Zc / len(Zc)
    Cw = (1 - shrink) * Cw + shrink * np.trace(Cw) / len(Cw) * np.eye(len(Cw))
    ev, V = np.linalg.eigh(Cw)
    T = V @ np.diag(ev ** -power) @ V.T
    return lambda X2, m2: unit(unit(np.hstack(blocks(X2, m2)[1])) @ T)


def learn_nca(X, mask, y, rank, lam, tau=0.1, iters=150, seed=0):
    """A d × rank linear map A by NCA on cosine of unit(A x) (soft same-album P@1, temperature tau), penalty lam‖A − A0‖², A0 = top PCA directions."""
    Z = unit(np.hstack(blocks(X, mask)[1])); n, d = Z.shape
    _, _, Vt = np.linalg.svd(Z - Z.mean(0), full_matrices=False)
    A0 = Vt[:rank].T.copy()
    same = (y[:, None] == y[None, :]) & ~np.eye(n, dtype=bool)

    def f(a):
        A = a.reshape(d, rank); H = Z @ A; nr = np.linalg.norm(H, axis=1, keepdims=True) + 1e-12; U = H / nr
        S = U @ U.T / tau; np.fill_diagonal(S, -np.inf)
        S -= S.max(1, keepdims=True); E = np.exp(S); Pm = E / E.sum(1, keepdims=True)
        ps = (Pm * same).sum(1) + 1e-12
        loss = -np.log(ps).mean() + lam * ((A - A0) ** 2).sum()
        # d loss / d S_ij = (P_ij − P_ij·same_ij / ps_i) / n
        G = (Pm - Pm * same / ps[:, None]) / n / tau
        GU = (G + G.T) @ U
        GH = (GU - U * (GU * U).sum(1, keepdims=True)) / nr
        return loss, (Z.T @ GH + 2 * lam * (A - A0)).ravel()
    r = minimize(f, A0.ravel(), jac=True, method='L-BFGS-B', options={'maxiter': iters})
    A = r.x.reshape(d, rank)
    return lambda X2, m2: unit(unit(np.hstack(blocks(X2, m2)[1])) @ A)


SETTINGS = {'served': None}
for p in (0.5, 1, 2): SETTINGS[f'family-fisher p{p}'] = ('family', p)
for p, s in itertools.product((0.5, 1), (0.0, 0.3, 0.6)): SETTINGS[f'dim-fisher p{p} s{s}'] = ('dim', p, s)
for pw, s in itertools.product((0.1, 0.15, 0.25, 0.35, 0.5), (0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.9)): SETTINGS[f'wccn p{pw} s{s}'] = ('wccn', pw, s)
for rk, lam in itertools.product((32, 64), (0.01, 0.1, 1.0)): SETTINGS[f'nca r{rk} l{lam}'] = ('nca', rk, lam)


def learner(setting, X, mask, y):
    kind = SETTINGS[setting]
    if kind is None: return served_rows
    if kind[0] == 'family': return learn_family_fisher(X, mask, y, kind[1])
    if kind[0] == 'dim': return learn_dim_fisher(X, mask, y, kind[1], kind[2])
    if kind[0] == 'wccn': return learn_wccn(X, mask, y, kind[1], kind[2])
    if kind[0] == 'nca': return learn_nca(X, mask, y, kind[1], kind[2])
    raise ValueError(setting)


def evaluate(rows_of, X, mask, y):
    U = rows_of(X, mask); yy = y[mask]
    return scores(U @ U.T, yy), scores(*((lambda D: (D @ D.T, yy))(diffusion_rows(U @ U.T))))


def main():
    Xt, at = load(f'{CACHE}/train/catalog.sqlite', f'{CACHE}/train-set', f'{CACHE}/train/music-space/production.json')
    yt = labels(at); A = sorted(set(at))
    print(f'training set: {len(yt)} tracks, {len(A)} albums', flush=True)
    rng = np.random.default_rng(6)
    splits = [rng.permutation(len(A))[:HELD] for _ in range(SPLITS)]
    final = sys.argv[sys.argv.index('--final') + 1] if '--final' in sys.argv else None
    if final is None:
        print(f'leave-albums-out: {SPLITS} splits, {HELD} held-out albums each (a library of their own); MAP@R / P@1, cosine · diffusion', flush=True)
        only = sys.argv[sys.argv.index('--only') + 1] if '--only' in sys.argv else ''
        for name in [k for k in SETTINGS if k == 'served' or k.startswith(only)]:
            cos, dif = [], []
            for held in splits:
                hm = np.isin(yt, held)
                rows_of = learner(name, Xt, ~hm, yt[~hm])
                c, d = evaluate(rows_of, Xt, hm, yt)
                cos.append(c); dif.append(d)
            c = np.mean(cos, 0); d = np.mean(dif, 0)
            print(f'{name:28s} cos {c[0]:.3f}/{c[1]:.3f}  diffusion {d[0]:.3f}/{d[1]:.3f}  (diffusion mean {(d[0] + d[1]) / 2:.3f}; min P@1 over splits {min(x[1] for x in dif):.3f})', flush=True)
        return
    Xe, ae = load(f'{CACHE}/catalog.sqlite', f'{CACHE}/set', f'{CACHE}/music-space/production.json')
    ye = labels(ae); E = sorted(set(ae))
    halves = {'all': np.ones(len(ye), bool), 'train half': np.isin(ae, E[0::2]), 'unseen half': np.isin(ae, E[1::2])}
    for name in ('served', final):
        rows_of = learner(name, Xt, np.ones(len(yt), bool), yt)
        out = []
        for h, m in halves.items():
            c, d = evaluate(rows_of, Xe, m, ye)
            out.append(f'{h} cos {c[0]:.3f}/{c[1]:.3f} diff {d[0]:.3f}/{d[1]:.3f}')
        print(f'{name:28s} ' + ' | '.join(out), flush=True)
    if '--posthoc' in sys.argv:
        # Diagnostics printed after the single evaluation, never an input to a choice.
        print('per album, P@1 on all 134, diffusion: served -> chosen')
        sims = {}
        for name in ('served', final):
            U = diffusion_rows((lambda R: R @ R.T)(learner(name, Xt, np.ones(len(yt), bool), yt)(Xe, halves['all'])))
            S = U @ U.T; np.fill_diagonal(S, -np.inf); sims[name] = ye[S.argmax(1)] == ye
        for a in E:
            m = ae == a
            print(f'  {a:24s} {sims["served"][m].mean():.3f} -> {sims[final][m].mean():.3f}')
        st = fam_scores(Xt, np.ones(len(yt), bool), yt); se = fam_scores(Xe, halves['all'], ye)
        print('album separation per family (same-album mean cosine - other, over the cosine spread): training set / evaluation set')
        for k, a, b in sorted(zip(list(Xt), st, se), key=lambda r: -r[2]):
            print(f'  {k:22s} {a:6.3f} {b:6.3f}')
        print(f'  correlation over families: {np.corrcoef(st, se)[0, 1]:.3f}')


main()
