#!/usr/bin/env python3
"""
Round 8 of docs/similarity.md (issue 12 §1): GMM-UBM mean supervectors (the front end of the
i-vector family; Eghbal-zadeh et al. won MIREX artist identification with i-vectors of MFCCs), on
the stored features and cached production signatures (numpy; not part of the app).

Per library, unsupervised (no labels; fitted on the library's own tracks only):
  1. frames: round 7's texture frames (MFCC 1-19 of the stored 40 log-mel bands, or those + level,
     log centroid, log roll-off, flatness, onset; steps under -50 dB left out), standardised over
     all the library's frames;
  2. the UBM: one diagonal-covariance GMM of M components on all those frames (EM, seeded);
  3. per track, its MAP-adapted means (relevance factor r): mu_c' = a_c E_c[x] + (1 - a_c) mu_c,
     a_c = n_c / (n_c + r); the supervector m_c = sqrt(w_c) sigma_c^-1 (mu_c' - mu_c) (the KL-kernel
     normalisation), z-scored across the library's tracks;
  4. fused with the served profile before the normalised diffusion `similar` serves, either
     - as one more profile family ('family', weight lam: its z-scored block x lam / sqrt(dim)
       beside the 26 others, then unit rows), or
     - as an alternative similarity fused like round 7's texture ('sim'): C + lam * z(cos SV) * std(C).

Protocol (docs/similarity.md, round 8, committed before any number on the evaluation albums or
the fresh set was printed): every choice on
  (1) the train half of the 7-album set (colobot, hyperrogue, planetblupi, wesnoth: 68 tracks,
      fitted and scored alone);
  (2) six libraries of 7 training albums (round 7's draws, seed 7), each fitted and scored alone.
A setting is eligible only if it beats the served space on (1) and on the mean of (2) in
(MAP@R + P@1) / 2; the choice is the eligible setting with the largest sum of the two gains.
`--final SETTING` then prints, once: all 134, the train half, the unseen half, the fresh set alone,
and the fresh set joined with the unseen half's albums as one library.

    python3 scripts/dev/round8-prototype.py [--only PREFIX] [--final SETTING [--posthoc]]

--posthoc (after the single evaluation, an input to nothing): every setting on every final library,
and where the served space misses on the fresh set. The outcome (the chosen setting lost on all 134
and the fresh set, nothing shipped; the served space's first numbers on the fresh set):
docs/similarity.md, round 8.
"""
import ast, base64, itertools, json, os, sqlite3, sys
import numpy as np

CACHE = '.cache/albums'
HERE = os.path.dirname(os.path.abspath(__file__))


def _borrow(path, names, extra=None):
    """Function definitions from another prototype (without running its main)."""
    ns = {'__file__': path, 'np': np, 'json': json, 'os': os, 'sqlite3': sqlite3, 'sys': sys, 'ast': ast, 'base64': base64, **(extra or {})}
    for node in ast.parse(open(path).read()).body:
        if isinstance(node, ast.FunctionDef) and node.name in names:
            exec(compile(ast.Module(body=[node], type_ignores=[]), path, 'exec'), ns)
    return ns


AM = _borrow(os.path.join(HERE, 'album-metric-prototype.py'), {'load', 'families', 'unit', 'zs', 'diffusion_rows', 'scores', 'labels'})
R7 = _borrow(os.path.join(HERE, 'round7-prototype.py'), {'load', 'texture_frames', 'offdiag_z', 'fuse'}, {'AM': AM})
unit, zs, diffusion_rows, scores, labels = AM['unit'], AM['zs'], AM['diffusion_rows'], AM['scores'], AM['labels']
load, texture_frames, fuse = R7['load'], R7['texture_frames'], R7['fuse']


# ---- the UBM and the supervectors -----------------------------------------------------------------

def gauss_loglik(X, w, mu, var):
    """log w_c + log N(x | mu_c, diag var_c) for every frame and component (frames x M)."""
    iv = 1.0 / var
    q = (X ** 2) @ iv.T - 2 * X @ (mu * iv).T + (mu ** 2 * iv).sum(1)
    return np.log(w) - 0.5 * (q + np.log(var).sum(1) + X.shape[1] * np.log(2 * np.pi))


def posteriors(X, w, mu, var):
    L = gauss_loglik(X, w, mu, var); m = L.max(1, keepdims=True)
    P = np.exp(L - m); s = P.sum(1, keepdims=True)
    return P / s, (m[:, 0] + np.log(s[:, 0])).mean()


def fit_ubm(X, M, seed=0, iters=40, floor=1e-2, tol=1e-4):
    """Diagonal-covariance GMM by EM: means started at M distinct random frames, unit variances
    (X is standardised), equal weights; variances floored at `floor`; stops when the mean
    log-likelihood gains less than `tol` per frame."""
    rng = np.random.default_rng(seed)
    mu = X[rng.choice(len(X), M, replace=False)].copy(); var = np.ones_like(mu); w = np.full(M, 1.0 / M)
    prev = -np.inf
    for _ in range(iters):
        G, ll = posteriors(X, w, mu, var)
        n = G.sum(0) + 1e-10
        w = n / n.sum(); mu = (G.T @ X) / n[:, None]
        var = np.maximum((G.T @ X ** 2) / n[:, None] - mu ** 2, floor)
        if ll - prev < tol: break
        prev = ll
    return w, mu, var


def supervectors(frames, ubm, r):
    """Per track: sqrt(w_c) sigma_c^-1 (mu_c' - mu_c), mu_c' the MAP-adapted mean with relevance r."""
    w, mu, var = ubm; out = []
    for F in frames:
        G, _ = posteriors(F, w, mu, var)
        n = G.sum(0); Fx = G.T @ F
        shift = (Fx - n[:, None] * mu) / (n[:, None] + r)  # = a_c (E_c[x] - mu_c)
        out.append((np.sqrt(w)[:, None] * shift / np.sqrt(var)).ravel())
    return np.array(out)


# ---- libraries --------------------------------------------------------------------------------------

def profile_blocks(X, mask):
    """The served profile's families over the library (z-scored over it, 1/sqrt(dim), production x3), not yet unit."""
    out = []
    for k in X:
        out.append(zs(X[k][mask]) * (3.0 if k.startswith('production') else 1.0) / np.sqrt(X[k].shape[1]))
    return out


def gram(E): return E @ E.T


def make_settings():
    S = {'served': ('served',)}
    for kind, M, r in itertools.product(('mfcc19', 'timbre'), (16, 64), (4, 16)):
        S[f'gmm {kind} M{M} r{r} family lam3'] = ('family', kind, M, r, 3.0)
        S[f'gmm {kind} M{M} r{r} sim lam0.25'] = ('sim', kind, M, r, 0.25)
        S[f'gmm {kind} M{M} r{r} sim lam0.5'] = ('sim', kind, M, r, 0.5)
    return S


SETTINGS = make_settings()


class Library:
    """A set of tracks fitted and scored on its own: profile, UBM and supervectors from its tracks only."""

    def __init__(self, X, seqs, names, mask, y):
        self.X, self.names, self.mask, self.y = X, names, mask, y[mask]
        self.seqs = [s for s, m in zip(seqs, mask) if m]
        self.B = profile_blocks(X, mask); self.U = unit(np.hstack(self.B)); self.C = self.U @ self.U.T
        self._fr = {}; self._ubm = {}; self._sv = {}

    def frames(self, kind):
        if kind not in self._fr:
            fr = [texture_frames(s, self.names, kind) for s in self.seqs]
            allf = np.vstack(fr); mu0, sd0 = allf.mean(0), allf.std(0) + 1e-9
            self._fr[kind] = ([(f - mu0) / sd0 for f in fr], (np.vstack(fr) - mu0) / sd0)
        return self._fr[kind]

    def sv(self, kind, M, r):
        if (kind, M, r) not in self._sv:
            per, allf = self.frames(kind)
            if (kind, M) not in self._ubm: self._ubm[(kind, M)] = fit_ubm(allf, M)
            self._sv[(kind, M, r)] = zs(supervectors(per, self._ubm[(kind, M)], r))
        return self._sv[(kind, M, r)]

    def sim(self, setting):
        s = SETTINGS[setting]
        if s[0] == 'served': return gram(diffusion_rows(self.C))
        V = self.sv(s[1], s[2], s[3])
        if s[0] == 'family':
            U = unit(np.hstack(self.B + [s[4] * V / np.sqrt(V.shape[1])]))
            return gram(diffusion_rows(U @ U.T))
        if s[0] == 'sim':
            # fuse() takes a divergence (it ranks by -log T): hand it exp(-cos) so -log T = the supervectors' cosine.
            Vu = unit(V); return gram(diffusion_rows(fuse(self.C, np.exp(-(Vu @ Vu.T)), s[4])))
        raise ValueError(setting)

    def score(self, setting): return scores(self.sim(setting), self.y)


def joined(a, b):
    """Two loaded sets as one library (album names kept apart by set)."""
    (Xa, aa, sa, na, _), (Xb, ab, sb, nb, _) = a, b
    assert na == nb
    return {k: np.vstack([Xa[k], Xb[k]]) for k in Xa}, np.concatenate([aa, ab]), sa + sb, na


ABA = ('noiz2sa-data', 'parsec47-data', 'tumiki-fighters-data', 'torus-trooper-data', 'gunroar-data', 'mu-cade-data')


def fresh_misses(L, albums, lib_args):
    """Post hoc: the served space's P@1 per fresh album with the albums its misses land in; the same
    ranking with the six ABA Games albums as one label; the fresh set without them, fitted alone."""
    A = sorted(set(albums)); S = L.sim('served'); np.fill_diagonal(S, -np.inf); nn = S.argmax(1); y = L.y
    print('fresh set, served: P@1 per album, misses -> album')
    for a in range(len(A)):
        m = y == a; wrong = [A[y[j]] for j in nn[m] if y[j] != a]
        print(f'  {A[a]:28s} {np.mean(y[nn[m]] == a):.3f}  ' + ', '.join(f'{k} {wrong.count(k)}' for k in sorted(set(wrong))))
    merged = labels(np.array(['aba-games' if a in ABA else a for a in albums]))
    print('served, the six ABA Games albums as one label: %.3f/%.3f' % scores(L.sim('served'), merged))
    X, seqs, names, _, yf = lib_args; keep = ~np.isin(albums, ABA)
    print('served, the fresh set without the ABA albums (%d tracks, fitted alone): %.3f/%.3f' % ((keep.sum(),) + Library(X, seqs, names, keep, yf).score('served')))


def main():
    Xe, ae, seqs_e, names_e, files_e = load(f'{CACHE}/catalog.sqlite', f'{CACHE}/set', f'{CACHE}/music-space/production.json')
    Xt, at, seqs_t, names_t, _ = load(f'{CACHE}/train/catalog.sqlite', f'{CACHE}/train-set', f'{CACHE}/train/music-space/production.json')
    assert names_e == names_t
    ye, yt = labels(ae), labels(at); E, T = sorted(set(ae)), sorted(set(at))
    final = sys.argv[sys.argv.index('--final') + 1] if '--final' in sys.argv else None
    if final:
        fresh = load(f'{CACHE}/fresh/catalog.sqlite', f'{CACHE}/fresh-set', f'{CACHE}/fresh/music-space/production.json')
        Xf, af, seqs_f, names_f, _ = fresh; yf = labels(af)
        te = np.isin(ae, E[1::2])
        Xj, aj, seqs_j, _ = joined(({k: v[te] for k, v in Xe.items()}, ae[te], [s for s, m in zip(seqs_e, te) if m], names_e, None), fresh)
        yj = labels(aj)
        libs = [('all', (Xe, seqs_e, names_e, np.ones(len(ye), bool), ye)),
                ('train half', (Xe, seqs_e, names_e, np.isin(ae, E[0::2]), ye)),
                ('unseen half', (Xe, seqs_e, names_e, te, ye)),
                ('fresh', (Xf, seqs_f, names_f, np.ones(len(yf), bool), yf)),
                ('fresh + unseen half', (Xj, seqs_j, names_e, np.ones(len(yj), bool), yj))]
        print(f'single evaluation of {final!r} (MAP@R/P@1): ' + ', '.join(f'{h} ({a[3].sum()} tracks, {len(np.unique(a[4][a[3]]))} albums)' for h, a in libs))
        L = {h: Library(*a) for h, a in libs}
        for name in ('served', final):
            print(f'{name:36s} ' + '  '.join(f'{h} {s[0]:.3f}/{s[1]:.3f}' for h, s in ((h, L[h].score(name)) for h in L)), flush=True)
        if '--posthoc' in sys.argv:
            # After the single evaluation, an input to nothing: every setting on every final library.
            print('post hoc, every setting (MAP@R/P@1): ' + ', '.join(L))
            for name in SETTINGS:
                print(f'{name:36s} ' + '  '.join(f'{L[h].score(name)[0]:.3f}/{L[h].score(name)[1]:.3f}' for h in L), flush=True)
            fresh_misses(L['fresh'], af, libs[3][1])
        return
    only = sys.argv[sys.argv.index('--only') + 1] if '--only' in sys.argv else ''
    rng = np.random.default_rng(7)
    draws = [rng.permutation(len(T))[:7] for _ in range(6)]  # round 7's six libraries
    libs_t = [Library(Xt, seqs_t, names_t, np.isin(yt, d), yt) for d in draws]
    lib_h = Library(Xe, seqs_e, names_e, np.isin(ae, E[0::2]), ye)
    print('MAP@R/P@1: (1) train half; (2) six 7-album training libraries (mean); gains in (MAP@R+P@1)/2 over served', flush=True)
    base = None; rows = []
    for name in [k for k in SETTINGS if k == 'served' or k.startswith(only)]:
        h = np.array(lib_h.score(name)); t = np.mean([L.score(name) for L in libs_t], 0)
        if base is None: base = (h.mean(), t.mean())
        g1, g2 = h.mean() - base[0], t.mean() - base[1]; rows.append((name, g1, g2))
        print(f'{name:36s} {h[0]:.3f}/{h[1]:.3f}  {t[0]:.3f}/{t[1]:.3f}   gain (1) {g1:+.3f}  (2) {g2:+.3f}', flush=True)
    eligible = [r for r in rows if r[0] != 'served' and r[1] > 0 and r[2] > 0]
    if only: return
    if eligible:
        best = max(eligible, key=lambda r: r[1] + r[2])
        print(f'eligible: {len(eligible)}; chosen (largest sum of gains): {best[0]!r} ({best[1]:+.3f}, {best[2]:+.3f})')
    else:
        print('eligible: none (no setting beats the served space on both sources)')


main()
