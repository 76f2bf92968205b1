/**
 * A bounded set of recently seen NCS `noticeId`s. NCS resends a notification when it missed our 200 (and, in
 * "redundant" mode, always sends twice, https://docs.agora.io/en/cloud-recording/develop/receive-notifications);
 * `notifyMs` changes on a resend but `noticeId` does not, so it is the key. Oldest entries are evicted first. Per
 * process: with several receivers behind a load balancer a duplicate can still reach the workflow, which de-duplicates
 * by noticeId too.
 */
export class NoticeIdSet {
  private readonly seen = new Map<string, number>();

  /** @param capacity how many ids to remember (default 50 000, a few MB) */
  constructor(private readonly capacity = 50_000) {}

  /** True when the id was seen before. */
  has(noticeId: string): boolean {
    return this.seen.has(noticeId);
  }

  /** Remembers an id; evicts the oldest when full. */
  add(noticeId: string): void {
    if (this.seen.has(noticeId)) return;
    this.seen.set(noticeId, Date.now());
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
  }

  /** Forgets an id (used when accepting it failed, so a resend can be accepted). */
  delete(noticeId: string): void {
    this.seen.delete(noticeId);
  }

  get size(): number {
    return this.seen.size;
  }
}
