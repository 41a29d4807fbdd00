/**
 * A generated library of two clearly different groups of tracks, made with the real ffmpeg:
 * "bright" (pulsed high triads over hiss, fast) and "dark" (slow low drones over brown noise).
 * Each track varies in pitch and rate so no two are the same; the label is the group.
 */
import { join } from 'node:path';
import { ffmpeg } from '../../helpers/media';

export type Group = 'bright' | 'dark';

export async function makeTwoGroups(dir: string, perGroup: number, seconds = 12): Promise<Map<string, Group>> {
  const labels = new Map<string, Group>();
  for (let i = 0; i < perGroup; i++) {
    const f = 880 * 2 ** (i / 12);
    const rate = 4 + (i % 3);
    const bright = join(dir, `bright-${i}.flac`);
    await ffmpeg(
      [
        '-f', 'lavfi', '-i', `aevalsrc='(0.25*sin(2*PI*${f.toFixed(1)}*t)+0.2*sin(2*PI*${(f * 1.26).toFixed(1)}*t)+0.2*sin(2*PI*${(f * 1.5).toFixed(1)}*t))*(0.35+0.65*lt(mod(t\\,${(1 / rate).toFixed(3)})\\,0.08))':s=22050:d=${seconds}`,
        '-f', 'lavfi', '-i', `anoisesrc=color=white:amplitude=0.05:seed=${i + 1}:d=${seconds}:r=22050`,
        '-filter_complex', '[1]highpass=f=4000[h];[0][h]amix=inputs=2:normalize=0', '-ac', '1',
      ],
      bright,
    );
    labels.set(bright, 'bright');
    const low = 50 + 4 * i;
    const dark = join(dir, `dark-${i}.flac`);
    await ffmpeg(
      [
        '-f', 'lavfi', '-i', `aevalsrc='0.5*sin(2*PI*${low}*t)*(0.6+0.4*sin(2*PI*${(0.2 + 0.05 * i).toFixed(2)}*t))':s=22050:d=${seconds}`,
        '-f', 'lavfi', '-i', `anoisesrc=color=brown:amplitude=0.3:seed=${i + 101}:d=${seconds}:r=22050`,
        '-filter_complex', '[1]lowpass=f=300[l];[0][l]amix=inputs=2:normalize=0', '-ac', '1',
      ],
      dark,
    );
    labels.set(dark, 'dark');
  }
  return labels;
}
