/**
 * Simulated RTC channels: who is in a channel and who publishes. Recordings watch their channel to decide what gets
 * recorded and when the channel is idle (https://docs.agora.io/en/cloud-recording/rest-api/start `maxIdleTime`,
 * https://docs.agora.io/en/cloud-recording/best-practices/integration-best-practices "Idle exit").
 */

/** A participant of a simulated channel. */
export interface Participant {
  /** RTC uid, decimal string. */
  uid: string;
  /** Whether the user sends audio/video (a host in a live channel, a talking user in a communication channel). */
  publishing: boolean;
}

/** Listener called after any change in a channel. */
export type ChannelListener = (cname: string) => void;

/** All channels of the emulated App ID, keyed by cname. */
export class Channels {
  private readonly channels = new Map<string, Map<string, Participant>>();
  private readonly listeners: ChannelListener[] = [];

  /** Registers a listener for every change. */
  onChange(listener: ChannelListener): void {
    this.listeners.push(listener);
  }

  /** Adds (or updates) a participant. @param publishing default true */
  join(cname: string, uid: string, publishing = true): void {
    let channel = this.channels.get(cname);
    if (!channel) this.channels.set(cname, (channel = new Map<string, Participant>()));
    channel.set(uid, { uid, publishing });
    this.emit(cname);
  }

  /** Removes a participant; unknown uids are ignored. */
  leave(cname: string, uid: string): void {
    const channel = this.channels.get(cname);
    if (!channel?.delete(uid)) return;
    if (channel.size === 0) this.channels.delete(cname);
    this.emit(cname);
  }

  /** Starts or stops a participant's publishing; joins them if absent. */
  publish(cname: string, uid: string, publishing: boolean): void {
    this.join(cname, uid, publishing);
  }

  /** The participants of `cname`, in join order. */
  participants(cname: string): Participant[] {
    return [...(this.channels.get(cname)?.values() ?? [])].map((p) => ({ ...p }));
  }

  private emit(cname: string): void {
    for (const listener of this.listeners) listener(cname);
  }
}
