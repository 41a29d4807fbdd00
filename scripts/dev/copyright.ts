/**
 * Who holds the copyright of a packaged music file, from the package's `debian/copyright`
 * (`usr/share/doc/<pkg>/copyright`): the album set's second label, "same composer, other game"
 * (docs/similarity.md, the large set). A track's holders are those of the last machine-readable
 * (DEP-5) stanza whose `Files:` pattern matches the end of its installed path (the patterns name
 * source paths, `music/*`, the package installs them under `usr/share/…/music/`); a free-text
 * copyright file names the work's holder on its first `Copyright … YEAR NAME` line, which then
 * holds for every track; the catch-all stanza (`Files: *`) counts only when it names one or two
 * holders (a team's list of programmers and artists names no composer). Albums that share a
 * holder are one composer group.
 */

export interface CopyrightStanza {
  files: string[];
  holders: string[];
}

/** A `Files: *` stanza with more holders than this is a team's, which names no composer. */
export const CATCH_ALL_MAX_HOLDERS = 2;

/** One holder from a `Copyright:` line: years, ©/(C), e-mail and web addresses and trailing notes dropped; null when nothing is left. */
export function holderName(line: string): string | null {
  const name = line
    .replace(/^\s*copyright\s*:?/i, '')
    .replace(/\(c\)|©/gi, ' ')
    .replace(/<[^>]*>|\([^)]*\)|https?:\/\/\S+|\S+@\S+/g, ' ')
    .replace(/\b(19|20)\d\d\b(\s*[-–,]\s*(19|20)?\d\d\b)*/g, ' ')
    .replace(/^[\s,.:;-]*(by\b)?/i, '')
    .replace(/\.?\s*all rights reserved\.?/i, '')
    .replace(/[\s,.;:-]+$/, '')
    .replace(/\s+/g, ' ')
    .trim();
  return name && /\p{L}/u.test(name) ? name : null;
}

/** The stanzas of a machine-readable copyright file (null when the file is free text). */
export function parseDep5(text: string): CopyrightStanza[] | null {
  if (!/^Format:\s*\S*(dep5|copyright-format)/im.test(text)) return null;
  const out: CopyrightStanza[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string[]>();
    let key: string | null = null;
    for (const line of para.split('\n')) {
      const m = /^([A-Za-z-]+):\s?(.*)$/.exec(line);
      if (m) {
        key = m[1].toLowerCase();
        fields.set(key, m[2].trim() ? [m[2].trim()] : []);
      } else if (key && /^\s/.test(line) && line.trim() && line.trim() !== '.') fields.get(key)!.push(line.trim());
    }
    const files = fields.get('files');
    if (!files) continue;
    const holders = (fields.get('copyright') ?? []).map(holderName).filter((h): h is string => h !== null);
    out.push({ files: files.flatMap((f) => f.split(/\s+/)).filter(Boolean), holders });
  }
  return out;
}

/** A DEP-5 pattern (`*` any run of characters, `/` included; `?` one) as an anchored regular expression. */
function patternRegex(pattern: string): RegExp {
  const body = pattern.replace(/^\.\//, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** Does the pattern match the installed path or one of its tails that starts at a folder boundary? */
export function patternMatches(pattern: string, installedPath: string): boolean {
  const re = patternRegex(pattern);
  const parts = installedPath.replace(/^\.?\//, '').split('/');
  for (let i = 0; i < parts.length; i++) if (re.test(parts.slice(i).join('/'))) return true;
  return false;
}

/** The holders of one installed file (its path inside the package); [] when the file names none. */
export function holdersOf(copyrightText: string, installedPath: string): string[] {
  const stanzas = parseDep5(copyrightText);
  if (stanzas) {
    let last: CopyrightStanza | undefined;
    for (const s of stanzas) if (s.files.some((f) => patternMatches(f, installedPath))) last = s;
    if (!last) return [];
    // The catch-all stanza of a team (`Files: *`, its programmers, artists, …) names no composer; of one or two authors, theirs is the work.
    const catchAll = last.files.every((f) => f === '*');
    return catchAll && last.holders.length > CATCH_ALL_MAX_HOLDERS ? [] : last.holders;
  }
  // Free text: the first copyright line that carries a year names the work's holder.
  for (const line of copyrightText.split('\n')) {
    if (/copyright/i.test(line) && /\b(19|20)\d\d\b/.test(line) && !/copyright notice|copyright holder/i.test(line)) {
      const name = holderName(line.replace(/^.*?copyright/i, 'Copyright'));
      if (name) return [name];
    }
  }
  return [];
}

/** A holder's name as compared across packages: case, accents and punctuation ignored. */
export const holderKey = (name: string): string =>
  name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/**
 * Albums joined when any track of one shares a holder with any track of the other (transitively):
 * album → its group's label (the group's albums, name-sorted, joined by `+`; an album alone keeps its name).
 */
export function holderGroups(holdersByAlbum: Readonly<Record<string, readonly string[]>>): Record<string, string> {
  const albums = Object.keys(holdersByAlbum).sort();
  const parent = new Map(albums.map((a) => [a, a]));
  const root = (a: string): string => {
    while (parent.get(a) !== a) a = parent.get(a)!;
    return a;
  };
  const owner = new Map<string, string>();
  for (const a of albums)
    for (const h of holdersByAlbum[a]) {
      const k = holderKey(h);
      const o = owner.get(k);
      if (o === undefined) owner.set(k, a);
      else parent.set(root(a), root(o));
    }
  const members = new Map<string, string[]>();
  for (const a of albums) members.set(root(a), [...(members.get(root(a)) ?? []), a]);
  return Object.fromEntries(albums.map((a) => [a, members.get(root(a))!.join('+')]));
}
