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

    python3 scripts/dev/similarity-prototype.py [.cache/albums] [--round4 [--slow] | --round5 [--posthoc] [--themes]]

--round4 adds the fourth round's levers (docs/similarity.md): set-to-set similarity of 16 s crops
(Chamfer, top-quarter mean, kernel mean embedding), and metrics learned on the train half's album
labels (per-family weights by NCA, within-album covariance normalisation), each chosen by an
inner split of the train half's four albums (fit on two, score on the other two) and then
applied to the unseen half and all; --slow adds a full linear map learned by NCA (minutes).

--round5 decodes each track's production excerpt once into
<dir>/decoded/, measures 16 candidate families the stored features do not carry (stereo image,
high-band shape and noise floor, crest factor, band dynamics, onsets, modulation, decay) and
chooses on the train half alone; --posthoc adds every candidate on all three columns (a
diagnostic printed after the choice, never an input to it); --themes adds theme reuse between
tracks (a cover-song-like match of the stored key-relative chroma; minutes).
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

# ---- Round 5 (docs/similarity.md, "Decoded families"): information the stored 0.5 s features do
# not carry, measured on the production excerpt (the middle 120 s, stereo, 44.1 kHz), decoded once.
from scipy import fft as sfft, signal as ssig
R5_SR, R5_NFFT, R5_HOP = 44100, 2048, 1024

def r5_decoded(path, duration, h):
    """The production excerpt as float32 stereo, decoded once into <dir>/decoded/<content hash>.f32."""
    out = os.path.join(ROOT, 'decoded', h + '.f32')
    if not os.path.exists(out):
        os.makedirs(os.path.dirname(out), exist_ok=True)
        subprocess.run(['ffmpeg', '-nostdin', '-v', 'error', '-ss', '%.3f' % max(0.0, duration / 2 - 60), '-t', '120', '-i', path,
                        '-map', '0:a:0', '-ac', '2', '-ar', str(R5_SR), '-f', 'f32le', out + '.tmp'], check=True)
        os.rename(out + '.tmp', out)
    return np.fromfile(out, dtype=np.float32).reshape(-1, 2)

def r5_bands(lo, hi, n, nfft=R5_NFFT):
    """Band of each FFT bin in n log-spaced bands lo..hi (-1 outside), empty bands dropped."""
    f = np.fft.rfftfreq(nfft, 1 / R5_SR); e = lo * (hi / lo) ** (np.arange(n + 1) / n)
    b = np.digitize(f, e) - 1; b[(f < lo) | (f >= hi)] = -1
    used = sorted(set(b[b >= 0])); m = {u: i for i, u in enumerate(used)}
    return np.array([m.get(v, -1) for v in b]), len(used)
def r5_bandmean(P, b, n): return np.stack([P[:, b == k].mean(1) for k in range(n)], 1)
def r5_db(x): return 10 * np.log10(x + 1e-20)

def r5_families(x):
    """The 16 candidate families of one excerpt (stereo float32 samples)."""
    L, R = x[:, 0], x[:, 1]; M = (L + R) / 2
    n = (len(M) - R5_NFFT) // R5_HOP + 1; idx = np.arange(R5_NFFT)[None, :] + R5_HOP * np.arange(n)[:, None]
    w = np.hanning(R5_NFFT).astype(np.float32)
    FL = sfft.rfft(L[idx] * w, axis=1); FR = sfft.rfft(R[idx] * w, axis=1)
    PL, PR, PM, PS = np.abs(FL) ** 2, np.abs(FR) ** 2, np.abs(FL + FR) ** 2 / 4, np.abs(FL - FR) ** 2 / 4
    e = PM.sum(1); keep = e > np.percentile(e, 20)  # the quietest fifth of frames left out, as production.ts
    f = np.fft.rfftfreq(R5_NFFT, 1 / R5_SR); o = {}
    # Stereo image: inter-channel correlation and |L - R| balance per band; per-frame width spread.
    b16, n16 = r5_bands(60, 20000, 16)
    sl = np.array([PL[keep][:, b16 == k].sum() for k in range(n16)]); sr = np.array([PR[keep][:, b16 == k].sum() for k in range(n16)])
    cr = np.array([(FL[keep][:, b16 == k] * np.conj(FR[keep][:, b16 == k])).sum() for k in range(n16)])
    o['st_corr'] = np.real(cr) / np.sqrt(sl * sr + 1e-30); o['st_balance'] = np.abs(r5_db(sl) - r5_db(sr))
    b4, n4 = r5_bands(60, 20000, 4)
    wd = r5_db(r5_bandmean(PS, b4, n4)[keep]) - r5_db(r5_bandmean(PM, b4, n4)[keep])
    o['st_width_dyn'] = np.concatenate([np.percentile(wd, [10, 50, 90], 0).ravel(), wd.std(0)])
    # The top octaves at full resolution: per-frame cut-off (highest bin within 60 dB of the frame's
    # 2-8 kHz level), the 8-22 kHz shape against that level, its floor (10th percentile over frames
    # against the mean), the share of frames where a band is empty (> 80 dB down), bins zeroed.
    ref = PM[:, (f > 2000) & (f < 8000)].mean(1)
    above = PM > ref[:, None] * 1e-6; above[:, f < 2000] = True
    o['hf_cutoff'] = np.percentile([f[np.flatnonzero(r)[-1]] for r in above[keep]], [10, 25, 50, 75, 90]) / 1000
    b24, n24 = r5_bands(8000, 22000, 24); hm = r5_bandmean(PM[keep], b24, n24)
    o['hf_shape'] = r5_db(hm.mean(0)) - r5_db(ref[keep].mean())
    o['hf_floor'] = r5_db(np.percentile(hm, 10, 0)) - r5_db(hm.mean(0))
    o['hf_holes'] = (r5_db(hm) - r5_db(ref[keep])[:, None] < -80).mean(0)
    b8, n8 = r5_bands(2000, 20000, 8)
    o['hf_sparsity'] = np.array([(lambda P: (P < P.mean(1, keepdims=True) * 1e-4).mean())(PM[keep][:, b8 == k]) for k in range(n8)])
    # Dynamics: crest factor of 1 s windows (10/50/90th percentile), sample peak, share of samples near it.
    sec = len(M) // R5_SR; Mw = M[:sec * R5_SR].reshape(sec, R5_SR)
    rms = np.sqrt((Mw ** 2).mean(1)) + 1e-12; crest = 20 * np.log10((np.abs(Mw).max(1) + 1e-12) / rms)[rms > np.percentile(rms, 20)]
    peak = np.abs(x).max() + 1e-12
    o['crest'] = np.array([*np.percentile(crest, [10, 50, 90]), 20 * np.log10(peak), np.log10((np.abs(x) > 0.98 * peak).mean() + 1e-7), np.log10((np.abs(x) > 0.891 * peak).mean() + 1e-7)])
    # Band dynamics: 400 ms levels of 8 octave bands, p95 - p10 and std.
    b8o, n8o = r5_bands(40, 20000, 8); Bp = r5_bandmean(PM, b8o, n8o); k4 = int(0.4 * R5_SR / R5_HOP)
    Bd = r5_db(np.array([Bp[i:i + k4].mean(0) for i in range(0, len(Bp) - k4, k4 // 2)]))
    o['band_dyn'] = np.concatenate([np.percentile(Bd, 95, 0) - np.percentile(Bd, 10, 0), Bd.std(0)])
    # Onsets at frame rate (hop 512 = 11.6 ms): log spectral flux in 24 bands; density, level,
    # spread, sharpness (peak over the 10 frames before), skew; its modulation spectrum 0.5-16 Hz;
    # each band's share of the flux.
    h2 = 512; n2 = (len(M) - R5_NFFT) // h2 + 1; idx2 = np.arange(R5_NFFT)[None, :] + h2 * np.arange(n2)[:, None]
    P2 = np.abs(sfft.rfft(M[idx2] * w, axis=1)) ** 2
    bo, no = r5_bands(40, 16000, 24); flux = np.maximum(np.diff(r5_db(r5_bandmean(P2, bo, no)), axis=0), 0); env = flux.mean(1); fr = R5_SR / h2
    med = np.median(env); mad = np.median(np.abs(env - med)) + 1e-9
    pk, _ = ssig.find_peaks(env, height=med + 3 * mad, distance=int(0.05 * fr))
    sharp = env[pk] / np.array([env[max(0, i - 10):i].mean() + 1e-9 for i in pk]) if len(pk) else np.ones(1)
    o['onset'] = np.array([len(pk) / (len(env) / fr), np.log(env.mean() + 1e-9), env.std() / (env.mean() + 1e-9), np.log(np.median(sharp) + 1e-9), ((env - env.mean()) ** 3).mean() / (env.std() ** 3 + 1e-12)])
    def modspec(y, rate, edges):
        sp = np.abs(np.fft.rfft((y - y.mean()) * np.hanning(len(y)))) ** 2; fq = np.fft.rfftfreq(len(y), 1 / rate)
        return r5_db(np.array([sp[(fq >= edges[i]) & (fq < edges[i + 1])].mean() for i in range(len(edges) - 1)]))
    ms = modspec(env, fr, 0.5 * 32 ** (np.arange(11) / 10)); o['onset_mod'] = ms - ms.mean()
    bf = r5_db(flux.mean(0)); o['flux_bands'] = bf - bf.mean()
    # Modulation spectrum of 4 band envelopes (43 Hz), 6 bands 0.5-16 Hz each, centred per band.
    b4m, n4m = r5_bands(60, 16000, 4); Ev = r5_db(r5_bandmean(PM, b4m, n4m))
    mods = np.array([modspec(Ev[:, k], R5_SR / R5_HOP, 0.5 * 32 ** (np.arange(7) / 6)) for k in range(n4m)])
    o['band_mod'] = (mods - mods.mean(1, keepdims=True)).ravel()
    # Decay after onsets (a reverberation proxy): slope in dB/s of the 250 ms after each onset peak.
    envdb = r5_db(P2.sum(1)); L25 = int(0.25 * fr)
    sl_ = [np.polyfit(np.arange(L25) / fr, envdb[i + 1:i + 1 + L25], 1)[0] for i in pk if i + 1 + L25 <= len(envdb)] or [0.0]
    o['decay'] = np.percentile(sl_, [50, 25, 75])
    # Noise floor: the quietest frames against the loud ones.
    o['floor'] = np.array([r5_db(np.percentile(e, 5)) - r5_db(np.percentile(e, 95)), r5_db(np.percentile(e, 1)) - r5_db(np.median(e))])
    return o

def r5_candidates():
    cache = os.path.join(ROOT, 'round5-candidates.npz')
    if os.path.exists(cache):
        z = np.load(cache); at = {h: i for i, h in enumerate(z['hashes'])}
        if all(r[7] in at for r in rows): return {k: z[k][[at[r[7]] for r in rows]] for k in z.files if k != 'hashes'}
    fams = [r5_families(r5_decoded(r[1], r[2], r[7])) for r in rows]
    out = {k: np.array([f[k] for f in fams]) for k in fams[0]}
    np.savez(cache, hashes=np.array([r[7] for r in rows]), **out)
    return out

if '--round5' in sys.argv:
    from itertools import combinations
    CANDS = r5_candidates()
    for k, v in CANDS.items(): X['r5_' + k] = v
    BASEF = STORED + list(PROD)
    ALL = np.ones(len(lab), bool)
    # Beside the train half itself, every 2- and 3-album subset of it (10 galleries: more
    # confusions to count, still nothing from the unseen half).
    SUBSETS = [np.isin(alb, c) for r in (2, 3) for c in combinations(A[0::2], r)]
    ndr = lambda U: (lambda E: E @ E.T)(normalised_diffusion(U))
    fmt = lambda v: f'{v[0]:.3f}/{v[1]:.3f}'
    def variant(d): return BASEF + ['r5_' + k for k in d], {**PROD, **{'r5_' + k: w for k, w in d.items()}}
    def train_only(label, d):
        fams, w = variant(d); U = space(fams, w, tr)
        cols = [scores(ndr(U), lab[tr]), np.mean([scores(ndr(space(fams, w, m)), lab[m]) for m in SUBSETS], 0), scores(U @ U.T, lab[tr]), scores((lambda V: V @ V.T)(dba(U)), lab[tr])]
        print(f'{label:45s} ' + '  '.join(fmt(c) for c in cols), flush=True)
    def three(label, d):
        fams, w = variant(d)
        print(f'{label:45s} ' + '  '.join(fmt(scores(ndr(space(fams, w, m)), lab[m])) for m in (ALL, tr, te)), flush=True)
    print(f"{'train half only: diffusion, 2-3 album subsets (mean), cosine, DBA':45s}")
    train_only('served (stored + production x3)', {})
    for k in CANDS:
        for wt in (1, 2, 3): train_only(f'+ {k} x{wt}', {k: wt})
    for d in ({'hf_shape': 3, 'hf_floor': 1}, {'hf_shape': 3, 'hf_floor': 2}, {'hf_shape': 3, 'hf_floor': 3}, {'hf_shape': 3, 'floor': 2}, {'hf_shape': 3, 'st_balance': 2}):
        train_only(' + '.join(f'{k} x{v}' for k, v in d.items()), d)
    CHOSEN = {'hf_shape': 3, 'hf_floor': 3}  # chosen on the lines above alone (docs/similarity.md)
    print(f"\n{'chosen, then the served space: all, train half, unseen half':45s}")
    three('+ hf_shape x3 + hf_floor x3 (chosen)', CHOSEN)
    three('served', {})
    if '--posthoc' in sys.argv:
        print(f"\n{'post hoc (never a choice): all, train, unseen':45s}")
        for k in CANDS:
            for wt in (1, 3): three(f'+ {k} x{wt}', {k: wt})
    if '--themes' in sys.argv:
        # Theme reuse (the same melody in several tracks of a game), from the stored key-relative
        # chroma: per pair the 99.5th percentile of the cross-similarity of unit, centred chroma
        # steps averaged along 16-step (8 s) diagonals; silent steps (rms_db < -45) count 0. A
        # track x track matrix (≈ 7 min here), mixed into the profile cosine as z-scores before
        # diffusion: C + lam * z * std(C), or only the evidence above tau: max(z - tau, 0).
        CH = [i for i, n_ in enumerate(names) if n_.startswith('chroma_rel_')]; RMS = names.index('rms_db')
        def unit_chroma(s_):
            c = s_[:, CH] - s_[:, CH].mean(1, keepdims=True); c /= np.maximum(np.linalg.norm(c, axis=1, keepdims=True), 1e-9); c[s_[:, RMS] < -45] = 0; return c
        def theme(a, b, W=16):
            C = a @ b.T
            if min(C.shape) <= W: return 0.0
            acc = sum(C[k:k + C.shape[0] - W + 1, k:k + C.shape[1] - W + 1] for k in range(W))
            return np.percentile(acc / W, 99.5)
        tcache = os.path.join(ROOT, 'round5-themes.npz'); hs = np.array([r[7] for r in rows])
        if os.path.exists(tcache) and np.array_equal(np.load(tcache)['hashes'], hs): TH = np.load(tcache)['theme']
        else:
            CU = [unit_chroma(s_) for s_ in S]; TH = np.zeros((len(CU), len(CU)))
            for i in range(len(CU)):
                for j in range(i + 1, len(CU)): TH[i, j] = TH[j, i] = theme(CU[i], CU[j])
            np.savez(tcache, hashes=hs, theme=TH)
        ndm = lambda sim: (lambda E: E @ E.T)(diffusion_rows(sim))
        def theme_mix(m, lam, tau):
            U = space(BASEF, PROD, m); C = U @ U.T; T = TH[np.ix_(m, m)]; off = ~np.eye(len(C), dtype=bool)
            z = (T - T[off].mean()) / T[off].std()
            return C + lam * (z if tau is None else np.maximum(z - tau, 0)) * C[off].std()
        print(f"\n{'themes, train half: diffusion, 2-3 album galleries':45s}")
        print(f"{'theme matrix alone':45s} {fmt(scores(TH[np.ix_(tr, tr)], lab[tr]))}")
        for lam, tau in ((0.25, None), (0.5, None), (1, None), (2, None), (0.5, 1), (1, 1), (0.5, 2), (1, 2), (2, 2), (1, 3)):
            print(f'{f"lam {lam} tau {tau}":45s} ' + fmt(scores(ndm(theme_mix(tr, lam, tau)), lab[tr])) + '  ' + fmt(np.mean([scores(ndm(theme_mix(m, lam, tau)), lab[m]) for m in SUBSETS], 0)), flush=True)
        if '--posthoc' in sys.argv:
            print(f"{'post hoc (never a choice): all, train, unseen':45s}")
            print(f"{'theme matrix alone':45s} " + '  '.join(fmt(scores(TH[np.ix_(m, m)], lab[m])) for m in (ALL, tr, te)))
            for lam in (0.25, 0.5, 1):
                print(f'{f"lam {lam}":45s} ' + '  '.join(fmt(scores(ndm(theme_mix(m, lam, None)), lab[m])) for m in (ALL, tr, te)), flush=True)
    sys.exit(0)
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
