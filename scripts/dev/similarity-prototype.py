#!/usr/bin/env python3
"""
Prototype of the album-set experiments in docs/similarity.md (numpy + scipy; not part of the app).

Reads the album set's catalog (stored audio features) and the production signatures the engine
cached (<dir>/music-space/production.json, written by `eval-similar`; without it each track's
production excerpt is decoded here with ffmpeg and cached in <dir>/prototype-production.npz),
then prints album MAP@R / P@1 on all albums, the train half and the unseen half for the main
variants: the stored-feature families, the production signature, the profile (families +
production x3) with DBA k5 a3 (playlists, map) and with normalised diffusion (what `similar`
serves: mutual kNN + nearest edge, k 5, a 0.9, cos^6).

    python3 scripts/dev/similarity-prototype.py [.cache/albums] [--round4 [--slow]]

--round4 adds the fourth round's levers (docs/similarity.md): set-to-set similarity of 16 s crops
(Chamfer, top-quarter mean, kernel mean embedding), and metrics learned on the train half's album
labels (per-family weights by NCA, within-album covariance normalisation), each chosen by an
inner split of the train half's four albums (fit on two, score on the other two) and then
applied to the unseen half and all; --slow adds a full linear map learned by NCA (minutes).
"""
import base64, json, os, sqlite3, subprocess, sys
import numpy as np

ARGS = [a for a in sys.argv[1:] if not a.startswith('--')]
ROOT = ARGS[0] if ARGS else '.cache/albums'
db = sqlite3.connect(os.path.join(ROOT, 'catalog.sqlite'))
setdir = os.path.realpath(os.path.join(ROOT, 'set'))
rows = db.execute("""SELECT t.id, f.path, t.duration, x.t, x.d, x.names, x.data, f.hash FROM tracks t JOIN files f ON f.id = t.file_id
                     JOIN features x ON x.track_id = t.id AND x.modality = 'audio' ORDER BY t.id""").fetchall()
rows = [r for r in rows if not os.path.relpath(r[1], setdir).startswith('..')]
names = json.loads(rows[0][5])
S = [np.frombuffer(r[6], dtype=np.float32).reshape(r[3], r[4]).astype(np.float64) for r in rows]
alb = np.array([os.path.relpath(r[1], setdir).split(os.sep)[0] for r in rows])
A = sorted(set(alb)); lab = np.array([A.index(a) for a in alb])
tr = np.isin(alb, A[0::2]); te = np.isin(alb, A[1::2])  # the halves eval-similar uses
MEL = [i for i, n in enumerate(names) if n.startswith('mel_')]

def dct(n, first, last):
    k = np.arange(first, last + 1)[:, None]; m = np.arange(n)[None, :]
    return np.sqrt(2 / n) * np.cos(np.pi * k * (m + 0.5) / n)

def moments(c): return np.array([c.mean(), c.std(), np.abs(np.diff(c)).mean()])

def families(s):
    mel = s[:, MEL]; o = {}
    o['ltas_shape'] = mel.mean(0) - mel.mean()
    o['mel_std'] = mel.std(0)
    for q in (90, 10):
        p = np.percentile(mel, q, 0); o[f'mel_p{q}'] = p - p.mean()
    mf = mel @ dct(40, 1, 39).T
    o['mfcc1_19_mean'] = mf[:, :19].mean(0); o['mfcc1_19_std'] = mf[:, :19].std(0)
    o['mfcc20_39_mean'] = mf[:, 19:].mean(0); o['mfcc20_39_std'] = mf[:, 19:].std(0)
    o['mfcc_delta'] = np.abs(np.diff(mf[:, :19], axis=0)).mean(0)
    o['shape_std'] = (mel - mel.mean(1, keepdims=True)).std(0)
    chroma = [i for i, n in enumerate(names) if n.startswith('chroma_rel_')]
    for i, n in enumerate(names):
        if i not in MEL and i not in chroma: o[n] = moments(s[:, i])
    o['chroma_mean'] = s[:, chroma].mean(0); o['chroma_std'] = s[:, chroma].std(0)
    o['rms_pct'] = np.percentile(s[:, names.index('rms_db')], [5, 25, 50, 75, 95])
    return o

def production(path, duration, sr=44100, nfft=2048):
    ss = max(0.0, duration / 2 - 60)
    raw = subprocess.run(['ffmpeg', '-v', 'error', '-ss', str(ss), '-t', '120', '-i', path, '-f', 'f32le', '-ac', '2', '-ar', str(sr), '-'], capture_output=True).stdout
    x = np.frombuffer(raw, dtype=np.float32).reshape(-1, 2).astype(np.float64)
    mid, side = (x[:, 0] + x[:, 1]) / 2, (x[:, 0] - x[:, 1]) / 2
    n = len(mid) // nfft; w = np.hanning(nfft)
    P = lambda y: np.abs(np.fft.rfft(y[:n * nfft].reshape(n, nfft) * w, axis=1)) ** 2
    Pm, Ps = P(mid), P(side)
    e = Pm.sum(1); keep = e > np.percentile(e, 20)
    f = np.fft.rfftfreq(nfft, 1 / sr)
    raw_band = np.where(f >= 120, np.minimum(63, np.floor(64 * np.log(np.maximum(f, 1) / 120) / np.log(sr / 2 / 120))), -1)
    used = sorted(set(raw_band[raw_band >= 0]))
    bands = lambda p: np.array([p[raw_band == b].mean() for b in used])
    m = 10 * np.log10(bands(Pm[keep].mean(0)) + 1e-20); sd = 10 * np.log10(bands(Ps[keep].mean(0)) + 1e-20)
    return m - m.mean(), sd - m

cache = os.path.join(ROOT, 'prototype-production.npz')
served = os.path.join(ROOT, 'music-space', 'production.json')
if os.path.exists(served):
    vec = json.load(open(served))['vectors']
    P = np.array([np.frombuffer(base64.b64decode(vec[r[7]]), dtype=np.float32).astype(np.float64) for r in rows])
    PS, PW = P[:, :P.shape[1] // 2], P[:, P.shape[1] // 2:]
elif os.path.exists(cache): z = np.load(cache); PS, PW = z['shape'], z['width']
else:
    out = [production(r[1], r[2]) for r in rows]
    PS = np.array([o[0] for o in out]); PW = np.array([o[1] for o in out]); np.savez(cache, shape=PS, width=PW)

F = [families(s) for s in S]
X = {k: np.array([f[k] for f in F]) for k in F[0]}
X['production_shape'] = PS; X['production_width'] = PW
STORED = [k for k in F[0]]

def unit(U): return U / np.maximum(np.linalg.norm(U, axis=1, keepdims=True), 1e-12)
def zs(V):
    sd = V.std(0); sd[sd < 1e-9] = np.inf; return (V - V.mean(0)) / sd
def space(fams, weights, mask):
    return unit(np.hstack([zs(X[k][mask]) * weights.get(k, 1) / np.sqrt(X[k].shape[1]) for k in fams]))
def dba(U, k=5, alpha=3):
    s = U @ U.T; np.fill_diagonal(s, -np.inf); nn = np.argsort(-s, 1, kind='stable')[:, :k]
    W = np.eye(len(U))
    for i in range(len(U)): W[i, nn[i]] = np.maximum(s[i, nn[i]], 0) ** alpha
    return unit(W @ U)
def diffusion(U, k=5, a=0.9):
    sim = U @ U.T; s = sim.copy(); np.fill_diagonal(s, -np.inf); nn = np.argsort(-s, 1)[:, :k]
    W = np.zeros_like(sim)
    for i in range(len(U)): W[i, nn[i]] = np.maximum(sim[i, nn[i]], 0) ** 3
    W = np.minimum(W, W.T); d = W.sum(1) + 1e-12
    return np.linalg.inv(np.eye(len(U)) - a * W / np.sqrt(np.outer(d, d)))
def normalised_diffusion(U, k=5, a=0.9, p=6):
    """Unit rows of L^-T for (I - aS) = LL^T on the mutual kNN graph plus each row's nearest edge (diffusion.ts)."""
    return diffusion_rows(U @ U.T, k, a, p)
def diffusion_rows(sim, k=5, a=0.9, p=6):
    """The same from any similarity matrix (its kNN graph and edge weights)."""
    U = sim; s = sim.copy(); np.fill_diagonal(s, -np.inf); nn = np.argsort(-s, 1, kind='stable')[:, :k]
    A = np.zeros(sim.shape, bool)
    for i in range(len(U)): A[i, nn[i]] = True
    M = A & A.T
    for i in range(len(U)): M[i, nn[i, 0]] = M[nn[i, 0], i] = True
    W = np.where(M, np.maximum(sim, 0) ** p, 0); d = W.sum(1); d[d == 0] = 1
    L = np.linalg.cholesky(np.eye(len(U)) - a * W / np.sqrt(np.outer(d, d)))
    return unit(np.linalg.inv(L).T)
def scores(sim, y):
    sim = sim.copy(); np.fill_diagonal(sim, -np.inf); ap = []; p1 = []
    for i in range(len(y)):
        R = (y == y[i]).sum() - 1
        rel = (y[np.argsort(-sim[i], kind='stable')[:R]] == y[i]).astype(float)
        p1.append(rel[0]); ap.append((np.cumsum(rel) / np.arange(1, R + 1) * rel).sum() / R)
    return np.mean(ap), np.mean(p1)
def report(label, sim_of_mask):
    cols = [scores(sim_of_mask(m), lab[m]) for m in (np.ones(len(lab), bool), tr, te)]
    print(f"{label:55s} " + "  ".join(f"{a:.3f}/{b:.3f}" for a, b in cols))

PROD = {'production_shape': 3, 'production_width': 3}
print(f"{'variant (MAP@R/P@1: all, train half, unseen half)':55s}")
report('stored families', lambda m: (lambda U: U @ U.T)(space(STORED, {}, m)))
report('production shape + width', lambda m: (lambda U: U @ U.T)(space(list(PROD), {}, m)))
report('stored + production x3', lambda m: (lambda U: U @ U.T)(space(STORED + list(PROD), PROD, m)))
report('stored + production x3 + DBA k5 a3 (playlists, map)', lambda m: (lambda U: U @ U.T)(dba(space(STORED + list(PROD), PROD, m))))
report('stored + production x3, diffusion k5 a0.9', lambda m: diffusion(space(STORED + list(PROD), PROD, m)))
report('stored + production x3, normalised diffusion (similar)', lambda m: (lambda E: E @ E.T)(normalised_diffusion(space(STORED + list(PROD), PROD, m))))

if '--round4' not in sys.argv: sys.exit(0)
from itertools import combinations
from scipy.optimize import minimize
FAMS = STORED + list(PROD)
ALL = np.ones(len(lab), bool)
nd = lambda sim: (lambda E: E @ E.T)(diffusion_rows(sim))
cos = lambda m: (lambda U: U @ U.T)(space(FAMS, PROD, m))

def scores_q(sim, y, q):
    """MAP@R / P@1 over the queries in q (every track stays a candidate)."""
    sim = sim.copy(); np.fill_diagonal(sim, -np.inf); ap = []; p1 = []
    for i in np.flatnonzero(q):
        R = (y == y[i]).sum() - 1
        rel = (y[np.argsort(-sim[i], kind='stable')[:R]] == y[i]).astype(float)
        p1.append(rel[0]); ap.append((np.cumsum(rel) / np.arange(1, R + 1) * rel).sum() / R)
    return np.mean(ap), np.mean(p1)

# (a) Set-to-set: each 32-step (16 s) crop, hop 16, gets the stored families (z-scored over the
# crops) and its track's production families (x3); tracks compare by their crop sets.
CROP = 32
CF, owner = [], []
for i, s_ in enumerate(S):
    for a0 in range(0, max(len(s_) - CROP, 0) + 1, CROP // 2): CF.append(families(s_[a0:a0 + CROP])); owner.append(i)
owner = np.array(owner); CX = {k: np.array([f[k] for f in CF]) for k in CF[0]}
def set_sim(mask, how):
    cm = mask[owner]; at = np.full(len(lab), -1); at[mask] = np.arange(mask.sum()); ow = at[owner[cm]]
    parts = [zs(CX[k][cm]) / np.sqrt(CX[k].shape[1]) for k in STORED] + [(zs(X[k][mask]) * 3 / np.sqrt(X[k].shape[1]))[ow] for k in PROD]
    U = unit(np.hstack(parts)); C = U @ U.T; groups = [np.flatnonzero(ow == i) for i in range(mask.sum())]
    if how == 'mmd': C = np.exp(-2 * (2 - 2 * C))
    pick = {'chamfer': lambda c: c.max(1), 'top25': lambda c: -np.sort(-c, 1)[:, :max(1, round(c.shape[1] / 4))].mean(1)}.get(how, lambda c: c.mean(1))
    M = np.stack([pick(C[:, g]) for g in groups], 1); T = np.stack([M[g].mean(0) for g in groups])
    if how == 'mmd': d = np.sqrt(np.diag(T)); return T / np.outer(d, d)
    return (T + T.T) / 2
print('\n(a) set-to-set similarity of 16 s crops (+ production x3), normalised diffusion on it')
for how in ('chamfer', 'top25', 'mean', 'mmd'): report(f'crops: {how}', lambda m: nd(set_sim(m, how)))

# (b), (c) Metrics learned on album labels. Inner split of the train half: fit on two of its
# albums, score on the other two (6 fits); the choice is made there, then fitted on the whole
# train half and applied to the unseen half and all.
TRAIN_ALBUMS = A[0::2]
INNER = [(np.isin(alb, p) & tr, tr & ~np.isin(alb, p)) for p in combinations(TRAIN_ALBUMS, 2)]
def inner(make_sim):
    return np.mean([scores(make_sim(fit, ev), lab[ev]) for fit, ev in INNER], 0)
def line(label, vals): print(f"{label:55s} " + "  ".join(f"{a:.3f}/{b:.3f}" for a, b in vals))
def final(label, make_sim):
    line(label + ' [inner; train half → all, train, unseen]', [inner(make_sim)] + [scores(make_sim(tr, m), lab[m]) for m in (ALL, tr, te)])

BASE = np.array([PROD.get(k, 1) ** 2 for k in FAMS], float)
def grams(mask): return np.stack([(lambda B: B @ B.T)(zs(X[k][mask]) / np.sqrt(X[k].shape[1])) for k in FAMS])
def weighted(G, w): D = np.tensordot(w, G, 1); d = np.sqrt(np.diag(D)); return D / np.outer(d, d)
def nca_weights(mask, lam, tau=0.05):
    """(c) Per-family weights BASE·exp(θ) maximising NCA's soft same-album P@1, penalty lam·mean θ²."""
    G = grams(mask); y = lab[mask]; same = (y[:, None] == y[None, :]) & ~np.eye(len(y), dtype=bool)
    def loss(th):
        s = weighted(G, BASE * np.exp(th)) / tau; np.fill_diagonal(s, -np.inf); e = np.exp(s - s.max(1, keepdims=True))
        return -np.log((e * same).sum(1) / e.sum(1) + 1e-12).mean() + lam * (th ** 2).mean()
    return BASE * np.exp(minimize(loss, np.zeros(len(FAMS)), method='L-BFGS-B', bounds=[(-4, 4)] * len(FAMS)).x)
def wccn(mask, shrink, power):
    """(b) Within-album covariance normalisation: rows times (shrunk within-album covariance)^-power."""
    U = space(FAMS, PROD, mask); y = lab[mask]
    C = sum((lambda R: R.T @ R)(U[y == c] - U[y == c].mean(0)) for c in set(y)) / len(y)
    C = (1 - shrink) * C + shrink * np.trace(C) / len(C) * np.eye(len(C)); w, V = np.linalg.eigh(C)
    return V @ np.diag(w ** -power) @ V.T

print('\n(b, c) learned on the train half\'s album labels')
line('served (nothing learned) [inner; all, train, unseen]', [inner(lambda f, e: nd(cos(e)))] + [scores(nd(cos(m)), lab[m]) for m in (ALL, tr, te)])
for lam in (0.01, 0.1, 1):
    final(f'(c) family weights, NCA, lam {lam}', lambda f, e: nd(weighted(grams(e), nca_weights(f, lam))))
for power, shrink in ((0.5, 0.5), (0.5, 0.7), (0.25, 0.1), (0.25, 0.3)):
    final(f'(b) WCCN power {power} shrink {shrink}', lambda f, e: nd((lambda U: U @ U.T)(unit(space(FAMS, PROD, e) @ wccn(f, shrink, power)))))

if '--slow' in sys.argv:
    def nca_map(mask, lam, tau=0.05):
        """(b) A full linear map A (init I, penalty lam·|A − I|²) of the profile rows by NCA."""
        Xr = space(FAMS, PROD, mask); y = lab[mask]; n, d = Xr.shape
        same = (y[:, None] == y[None, :]) & ~np.eye(n, dtype=bool)
        def f(a):
            Am = a.reshape(d, d); Z = Xr @ Am.T; nz = np.linalg.norm(Z, axis=1, keepdims=True); U = Z / nz
            s = U @ U.T / tau; np.fill_diagonal(s, -np.inf); P = np.exp(s - s.max(1, keepdims=True)); P /= P.sum(1, keepdims=True)
            Pi = (P * same).sum(1, keepdims=True); G = (P - P * same / Pi) / n / tau; dU = (G + G.T) @ U
            dZ = (dU - U * (dU * U).sum(1, keepdims=True)) / nz
            return -np.log(Pi + 1e-12).mean() + lam * ((Am - np.eye(d)) ** 2).sum(), (dZ.T @ Xr + 2 * lam * (Am - np.eye(d))).ravel()
        return minimize(f, np.eye(d).ravel(), jac=True, method='L-BFGS-B', options={'maxiter': 200}).x.reshape(d, d)
    for lam in (0.01, 1):
        final(f'(b) linear map, NCA, lam {lam}', lambda f, e: nd((lambda U: U @ U.T)(unit(space(FAMS, PROD, e) @ nca_map(f, lam).T))))
