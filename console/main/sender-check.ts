/**
 * Trusted-sender check for every IPC call (as GitHub Desktop does): the call must come from the top frame of a
 * window this process created, showing the console's own page. Anything else — a subframe, another URL, a
 * destroyed frame — is refused.
 */
export interface SenderFrameLike {
  readonly url: string;
  readonly parent: unknown;
}

export interface SenderEventLike {
  readonly senderFrame: SenderFrameLike | null | undefined;
  readonly sender: { readonly id: number };
}

export interface SenderPolicy {
  /** The console page's URL (file://…/index.html); the hash part is ignored. */
  readonly pageUrl: string;
  /** webContents ids of the windows this process created. */
  readonly windowIds: () => ReadonlySet<number>;
}

export function isTrustedSender(event: SenderEventLike, policy: SenderPolicy): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  if (!policy.windowIds().has(event.sender.id)) return false;
  const strip = (u: string) => u.split('#', 1)[0];
  return strip(frame.url) === strip(policy.pageUrl);
}
