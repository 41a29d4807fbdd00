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

    python3 scripts/dev/similarity-prototype.py [.cache/albums]
"""
import base64, json, os, sqlite3, subprocess, sys
import numpy as np

ROOT = sys.argv[1] if len(sys.argv) > 1 else '.cache/albums'
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
    sim = U @ U.T; s = sim.copy(); np.fill_diagonal(s, -np.inf); nn = np.argsort(-s, 1, kind='stable')[:, :k]
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
