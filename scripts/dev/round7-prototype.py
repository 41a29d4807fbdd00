#!/usr/bin/env python3
"""
Round 7 of docs/similarity.md (issue 12 §1): two levers the earlier rounds did not try, on the
stored features and cached production signatures (numpy; not part of the app).

(T) A position-invariant texture model per track: one full-covariance Gaussian of its frames
    (MFCC-like coefficients of the stored log-mel bands, or those plus the other timbre columns),
    compared by symmetric KL (Aucouturier & Pachet; Mandel & Ellis), fused with the profile's
    cosine before the diffusion graph: C + lam * z(-log KL) * std(C). Round 1 measured the KL
    alone (MFCC only, 5 albums), never fused with the profile.
(N) Cohort score normalisation (adaptive s-norm, as in speaker verification): the score of a pair
    is standardised by each track's scores against a fixed external cohort of tracks known to be
    from none of the library's albums (the 22 training albums' tracks, used without their labels),
    its top-K most similar cohort tracks only. CSLS and mutual proximity (tried) normalise by the
    library itself, whose nearest tracks are mostly album-mates; an external cohort says how
    generic a track's sound is without that contamination.

Protocol (docs/similarity.md, round 7, written before the single evaluation): every choice on
  (1) the train half of the evaluation set (colobot, hyperrogue, planetblupi, wesnoth: 68 tracks,
      fitted and scored alone), diffusion as `similar` serves it, and the mean over its ten 2- and
      3-album galleries; cohort = the 214 training-album tracks;
  (2) six libraries of 7 training albums (fixed random draws, seed 7), each fitted and scored
      alone; cohort = the other 15 training albums' tracks.
A setting is eligible only if it beats the served space on (1) and on the mean of (2) in
(MAP@R + P@1) / 2; the choice is the eligible setting with the highest sum of those two gains.
`--final SETTING` then prints all 134 and both halves once; nothing else reads them.

    python3 scripts/dev/round7-prototype.py [--only PREFIX] [--final SETTING [--posthoc]] [--diagnose]

--diagnose prints the served space's P@1 misses (all, train half, unseen half): run once at the
start of the round, before any lever was scored. --posthoc (after the single evaluation, an input
to nothing): per-album P@1 and every setting on all 134 and the unseen half. The outcome (the
chosen setting lost on the unseen half, nothing shipped): docs/similarity.md, seventh round.
"""
import ast, itertools, json, os, sqlite3, sys
import numpy as np

CACHE = '.cache/albums'
HERE = os.path.dirname(os.path.abspath(__file__))


def _borrow(path, names):
    """Function definitions from another prototype (without running its main)."""
    ns = {'__file__': path, 'np': np, 'json': json, 'os': os, 'sqlite3': sqlite3, 'sys': sys, 'ast': ast, 'base64': __import__('base64')}
    for node in ast.parse(open(path).read()).body:
        if isinstance(node, ast.FunctionDef) and node.name in names:
            exec(compile(ast.Module(body=[node], type_ignores=[]), path, 'exec'), ns)
    return ns


AM = _borrow(os.path.join(HERE, 'album-metric-prototype.py'), {'load', 'families', 'unit', 'zs', 'diffusion_rows', 'scores', 'labels'})
unit, zs, diffusion_rows, scores, labels = AM['unit'], AM['zs'], AM['diffusion_rows'], AM['scores'], AM['labels']


def load(catalog, setdir, production_json):
    """Profile families (album-metric-prototype's load), album names and the raw step sequences."""
    X, albums = AM['load'](catalog, setdir, production_json)
    db = sqlite3.connect(catalog); real = os.path.realpath(setdir)
    rows = db.execute("""SELECT f.path, x.t, x.d, x.names, x.data FROM tracks t JOIN files f ON f.id = t.file_id
                         JOIN features x ON x.track_id = t.id AND x.modality = 'audio' ORDER BY t.id""").fetchall()
    rows = [r for r in rows if not os.path.relpath(r[0], real).startswith('..')]
    seqs = [np.frombuffer(r[4], dtype=np.float32).reshape(r[1], r[2]).astype(np.float64) for r in rows]
    return X, albums, seqs, json.loads(rows[0][3]), [os.path.basename(r[0]) for r in rows]


def family_blocks(X, mask, ref=None):
    """The served profile's families of X[mask], z-scored with the statistics of ref (default: X[mask] itself)."""
    out = []
    for k in X:
        R = (ref if ref is not None else X)[k]
        R = R if ref is not None else R[mask]
        sd = R.std(0); sd[sd < 1e-9] = np.inf
        out.append((X[k][mask] - R.mean(0)) / sd * (3.0 if k.startswith('production') else 1.0) / np.sqrt(X[k].shape[1]))
    return unit(np.hstack(out))


def library_rows(X, mask): return family_blocks(X, mask)


def cohort_rows(X, mask, Xc):
    """Cohort tracks in the library's own profile space (z-scored with the library's statistics)."""
    lib = {k: v[mask] for k, v in X.items()}
    return family_blocks(Xc, np.ones(len(next(iter(Xc.values()))), bool), ref=lib)


# ---- (T) texture Gaussians -----------------------------------------------------------------------

def texture_frames(seq, names, kind):
    mel = seq[:, [i for i, n in enumerate(names) if n.startswith('mel_')]]
    k = np.arange(1, 20)[:, None]; m = np.arange(40)[None, :]
    mf = mel @ (np.sqrt(2 / 40) * np.cos(np.pi * k * (m + 0.5) / 40)).T
    loud = seq[:, names.index('rms_db')] > -50  # silent steps carry no texture
    if loud.sum() >= 40: mf, seq = mf[loud], seq[loud]
    if kind == 'mfcc12': return mf[:, :12]
    if kind == 'mfcc19': return mf
    if kind == 'timbre':
        cols = [names.index(c) for c in ('rms_db', 'centroid_hz', 'rolloff_hz', 'flatness', 'onset')]
        ex = seq[:, cols].copy(); ex[:, 1:3] = np.log(np.maximum(ex[:, 1:3], 1))
        return np.hstack([mf, ex])
    raise ValueError(kind)


def texture_kl(seqs, names, kind, reg=1e-3):
    """Symmetric KL between per-track full-covariance Gaussians of the frames (columns standardised over all frames)."""
    fr = [texture_frames(s, names, kind) for s in seqs]
    allf = np.vstack(fr); mu0, sd0 = allf.mean(0), allf.std(0) + 1e-9
    fr = [(f - mu0) / sd0 for f in fr]
    d = fr[0].shape[1]
    mus = np.array([f.mean(0) for f in fr])
    covs = np.array([np.cov(f, rowvar=False) + reg * np.eye(d) for f in fr])
    invs = np.linalg.inv(covs)
    tr = invs.reshape(len(fr), -1) @ covs.reshape(len(fr), -1).T  # tr(inv_i · cov_j)
    diff = mus[:, None, :] - mus[None, :, :]
    maha = np.einsum('ijk,ikl,ijl->ij', diff, invs, diff)
    kl = 0.5 * (tr + tr.T + maha + maha.T) - d
    np.fill_diagonal(kl, 0)
    return np.maximum(kl, 1e-9)


def offdiag_z(M):
    off = ~np.eye(len(M), dtype=bool); return (M - M[off].mean()) / (M[off].std() + 1e-12)


def fuse(C, T, lam):
    """Profile cosine plus lam times the texture similarity's z-score on the cosine's spread."""
    off = ~np.eye(len(C), dtype=bool)
    return C + lam * offdiag_z(-np.log(T)) * C[off].std()


# ---- (N) cohort normalisation --------------------------------------------------------------------

def snorm(C, Q, K):
    """Adaptive s-norm: C library × library cosine, Q library × cohort cosine; top-K cohort scores per track."""
    top = -np.sort(-Q, 1)[:, :K]; mu, sd = top.mean(1), top.std(1) + 1e-6
    return 0.5 * ((C - mu[:, None]) / sd[:, None] + (C - mu[None, :]) / sd[None, :])


def diffusion_pick(rank_sim, weight_sim):
    """Diffusion with the neighbour lists from one similarity and the edge weights from another."""
    return diffusion_rows(rank_sim, weights=weight_sim)


def gram(E): return E @ E.T


# ---- settings: each maps a library (mask) to the similarity that is ranked ----------------------

def make_settings():
    S = {'served': ('served',)}
    for kind, lam in itertools.product(('mfcc12', 'mfcc19', 'timbre'), (0.25, 0.5, 1.0, 2.0)):
        S[f'texture {kind} lam{lam}'] = ('texture', kind, lam)
    for K, how in itertools.product((10, 20, 30, 50, 100), ('graph', 'weights', 'both')):
        S[f'snorm K{K} {how}'] = ('snorm', K, how)
    for kind, lam, K in itertools.product(('mfcc12', 'timbre'), (0.25, 0.5), (30, 100)):
        S[f'texture {kind} lam{lam} + snorm K{K} weights'] = ('combo', kind, lam, K)
    return S


SETTINGS = make_settings()


class Library:
    """A set of tracks fitted and scored on its own, with the cohort that is kept outside it."""

    def __init__(self, X, seqs, names, mask, y, Xc):
        self.X, self.seqs, self.names, self.mask, self.y, self.Xc = X, seqs, names, mask, y[mask], Xc
        self.U = library_rows(X, mask); self.C = self.U @ self.U.T
        self._kl = {}; self._Q = None

    def kl(self, kind):
        if kind not in self._kl: self._kl[kind] = texture_kl([s for s, m in zip(self.seqs, self.mask) if m], self.names, kind)
        return self._kl[kind]

    def Q(self):
        if self._Q is None: self._Q = self.U @ cohort_rows(self.X, self.mask, self.Xc).T
        return self._Q

    def snormed(self, K):
        """The s-normed scores, and the same standardised onto the cosine's mean and spread (for edge weights)."""
        N = snorm(self.C, self.Q(), K); off = ~np.eye(len(N), dtype=bool)
        return N, (N - N[off].mean()) / N[off].std() * self.C[off].std() + self.C[off].mean()

    def sim(self, setting):
        s = SETTINGS[setting]
        if s[0] == 'served': return gram(diffusion_rows(self.C))
        if s[0] == 'texture': return gram(diffusion_rows(fuse(self.C, self.kl(s[1]), s[2])))
        if s[0] == 'snorm':
            N, Ns = self.snormed(s[1])
            if s[2] == 'graph': return gram(diffusion_pick(N, self.C))
            if s[2] == 'weights': return gram(diffusion_pick(self.C, Ns))
            return gram(diffusion_rows(Ns))
        if s[0] == 'combo': return gram(diffusion_pick(fuse(self.C, self.kl(s[1]), s[2]), self.snormed(s[3])[1]))
        raise ValueError(setting)

    def score(self, setting): return scores(self.sim(setting), self.y)


def sub(lib_args, mask): X, seqs, names, y, Xc = lib_args; return Library(X, seqs, names, mask, y, Xc)


def diagnose(Xe, ae, seqs_e, names_e, files_e, Xt):
    ye = labels(ae); E = sorted(set(ae))
    for h, m in (('all', np.ones(len(ye), bool)), ('train half', np.isin(ae, E[0::2])), ('unseen half', np.isin(ae, E[1::2]))):
        L = Library(Xe, seqs_e, names_e, m, ye, Xt); S = L.sim('served'); np.fill_diagonal(S, -np.inf)
        idx = np.flatnonzero(m); y = L.y; miss = []
        print(f'== {h} ({m.sum()} tracks)')
        for i in range(len(y)):
            o = np.argsort(-S[i], kind='stable')
            if y[o[0]] == y[i]: continue
            r = np.flatnonzero(y[o] == y[i])[0]
            miss.append(i)
            print(f'  {E[y[i]][:12]:12s} {files_e[idx[i]][:30]:30s} -> {E[y[o[0]]][:12]:12s} {files_e[idx[o[0]]][:26]:26s} first album-mate at rank {r + 1}, gap {S[i, o[0]] - S[i, o[r]]:.3f}')
        mutual = sum(1 for i in miss if np.argmax(S[np.argmax(S[i])]) == i)
        print(f'  misses {len(miss)}, of which in a mutual cross-album nearest pair {mutual}; per album P@1: ' +
              ', '.join(f'{E[a]} {np.mean([y[np.argmax(S[i])] == a for i in np.flatnonzero(y == a)]):.3f}' for a in np.unique(y)))


def posthoc(Xe, ae, seqs_e, names_e, Xt, final):
    """After the single evaluation, an input to nothing: per-album P@1, and every setting of the grid
    on all 134 and the unseen half beside its selection gains (do the selection sources predict them?)."""
    ye = labels(ae); E = sorted(set(ae)); ALL = np.ones(len(ye), bool); te = np.isin(ae, E[1::2])
    la, lu = Library(Xe, seqs_e, names_e, ALL, ye, Xt), Library(Xe, seqs_e, names_e, te, ye, Xt)
    print('per album P@1 on all 134: served -> chosen')
    hit = {}
    for name in ('served', final):
        S = la.sim(name); np.fill_diagonal(S, -np.inf); hit[name] = la.y[S.argmax(1)] == la.y
    for a in range(len(E)): print(f'  {E[a]:24s} {hit["served"][la.y == a].mean():.3f} -> {hit[final][la.y == a].mean():.3f}')
    print('every setting: all 134, unseen half (MAP@R/P@1), gains in (MAP@R+P@1)/2 over served')
    base = None; rows = []
    for name in SETTINGS:
        a, u = np.array(la.score(name)), np.array(lu.score(name))
        if base is None: base = (a.mean(), u.mean())
        rows.append((a.mean() - base[0], u.mean() - base[1]))
        print(f'{name:45s} {a[0]:.3f}/{a[1]:.3f}  {u[0]:.3f}/{u[1]:.3f}   gain all {rows[-1][0]:+.3f} unseen {rows[-1][1]:+.3f}', flush=True)


def main():
    Xe, ae, seqs_e, names_e, files_e = load(f'{CACHE}/catalog.sqlite', f'{CACHE}/set', f'{CACHE}/music-space/production.json')
    Xt, at, seqs_t, names_t, _ = load(f'{CACHE}/train/catalog.sqlite', f'{CACHE}/train-set', f'{CACHE}/train/music-space/production.json')
    assert names_e == names_t
    if '--diagnose' in sys.argv: return diagnose(Xe, ae, seqs_e, names_e, files_e, Xt)
    ye, yt = labels(ae), labels(at); E, T = sorted(set(ae)), sorted(set(at))
    final = sys.argv[sys.argv.index('--final') + 1] if '--final' in sys.argv else None
    if final:
        print(f'single evaluation of {final!r}: all, train half, unseen half (MAP@R/P@1); cohort = the 214 training-album tracks')
        for name in ('served', final):
            out = [Library(Xe, seqs_e, names_e, m, ye, Xt).score(name) for m in (np.ones(len(ye), bool), np.isin(ae, E[0::2]), np.isin(ae, E[1::2]))]
            print(f'{name:28s} ' + '  '.join(f'{a:.3f}/{b:.3f}' for a, b in out), flush=True)
        if '--posthoc' in sys.argv: posthoc(Xe, ae, seqs_e, names_e, Xt, final)
        return
    only = sys.argv[sys.argv.index('--only') + 1] if '--only' in sys.argv else ''
    trh = np.isin(ae, E[0::2])
    galleries = [np.isin(ae, c) for r in (2, 3) for c in itertools.combinations(E[0::2], r)]
    rng = np.random.default_rng(7)
    draws = [rng.permutation(len(T))[:7] for _ in range(6)]
    libs_t = []
    for d in draws:
        m = np.isin(yt, d); coh = {k: v[~m] for k, v in Xt.items()}
        libs_t.append(Library(Xt, seqs_t, names_t, m, yt, coh))
    lib_h = Library(Xe, seqs_e, names_e, trh, ye, Xt)
    libs_g = [Library(Xe, seqs_e, names_e, g, ye, Xt) for g in galleries]
    print('MAP@R/P@1: (1) train half, its 2-3 album galleries (mean); (2) six 7-album training libraries (mean); gains in (MAP@R+P@1)/2 over served', flush=True)
    base = None
    for name in [k for k in SETTINGS if k == 'served' or k.startswith(only)]:
        h = np.array(lib_h.score(name)); g = np.mean([L.score(name) for L in libs_g], 0); t = np.mean([L.score(name) for L in libs_t], 0)
        if base is None: base = (h.mean(), t.mean())
        print(f'{name:28s} {h[0]:.3f}/{h[1]:.3f}  {g[0]:.3f}/{g[1]:.3f}  {t[0]:.3f}/{t[1]:.3f}   gain (1) {h.mean() - base[0]:+.3f}  (2) {t.mean() - base[1]:+.3f}', flush=True)


main()
