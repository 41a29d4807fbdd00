/**
 * FCPXML 1.10 (Final Cut Pro; DaVinci Resolve and Premiere import it): one project whose spine
 * holds the clip, the remix connected under it (lane −1), shot-cut markers on the clip and beat,
 * downbeat and splice markers on the remix. Times are rational seconds on the frame grid (FCP
 * rejects off-grid edits). FCPXML names media by URL, so `src` is an absolute file:// URL.
 */
import { pathToFileURL } from 'node:url';
import { markers, type HandoffTimeline } from './timeline';
import { rationalTime, toFrames } from './timecode';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function fcpxml(t: HandoffTimeline): string {
  const r = t.rate;
  const T = (seconds: number): string => rationalTime(toFrames(seconds, r), r);
  const dur = T(t.plan.duration);
  const frame = rationalTime(1, r);
  const all = markers(t);
  // A marker's start is in its clip's own time: the clip's runs from its in point, the remix's from 0.
  const clipMarkers = all.filter((m) => m.kind === 'cut');
  const musicMarkers = all.filter((m) => m.kind !== 'cut');
  const marker = (time: number, label: string, indent: string): string =>
    `${indent}<marker start="${T(time)}" duration="${frame}" value="${esc(label)}"/>`;
  const fileDur = T(t.clip.fileDuration);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE fcpxml>',
    '<fcpxml version="1.10">',
    '  <resources>',
    `    <format id="r1" name="FFVideoFormatRateUndefined" frameDuration="${frame}" width="${t.clip.width}" height="${t.clip.height}"/>`,
    `    <asset id="r2" name="${esc(t.clip.name)}" start="0s" duration="${fileDur}" hasVideo="1" format="r1">`,
    `      <media-rep kind="original-media" src="${esc(pathToFileURL(t.clip.absolute).href)}"/>`,
    '    </asset>',
    `    <asset id="r3" name="${esc(t.remix.name)}" start="0s" duration="${dur}" hasAudio="1" audioSources="1" audioChannels="${t.remix.channels}" audioRate="${t.remix.sampleRate}">`,
    `      <media-rep kind="original-media" src="${esc(pathToFileURL(t.remix.absolute).href)}"/>`,
    '    </asset>',
    '  </resources>',
    '  <library>',
    '    <event name="Needledrop">',
    `      <project name="${esc(t.title)}">`,
    `        <sequence format="r1" duration="${dur}" tcStart="0s" tcFormat="NDF" audioLayout="stereo" audioRate="48k">`,
    '          <spine>',
    `            <asset-clip ref="r2" offset="0s" name="${esc(t.clip.name)}" start="${T(t.clip.in)}" duration="${dur}" tcFormat="NDF">`,
    ...clipMarkers.map((m) => marker(t.clip.in + m.time, m.label, '              ')),
    `              <asset-clip ref="r3" lane="-1" offset="${T(t.clip.in)}" name="${esc(t.remix.name)}" start="0s" duration="${dur}">`,
    ...musicMarkers.map((m) => marker(m.time, m.label, '                ')),
    '              </asset-clip>',
    '            </asset-clip>',
    '          </spine>',
    '        </sequence>',
    '      </project>',
    '    </event>',
    '  </library>',
    '</fcpxml>',
  ];
  return lines.join('\n') + '\n';
}
