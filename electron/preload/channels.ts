/**
 * The fixed set of IPC channels between the preload and main: nothing else is listened to.
 * The engine channel carries the contract's ClientMessage / ServerMessage; the others are the
 * shell's own (dialogs, the file manager).
 */
export const CHANNELS = {
  engine: 'needledrop:engine',
  openDialog: 'needledrop:open-dialog',
  showInFolder: 'needledrop:show-in-folder',
} as const;

export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];
