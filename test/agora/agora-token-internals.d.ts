/** Types for the part of agora-token's token parser the tests use to decode minted tokens (the package ships none). */
declare module 'agora-token/src/AccessToken2' {
  export const kRtcServiceType: number;
  export class AccessToken2 {
    constructor(appId: string, appCertificate: string, issueTs: number, expire: number);
    /** Parsed fields are Buffers. */
    appId: Buffer | string;
    expire: number;
    services: {
      __type: number;
      __channel_name: Buffer | string;
      __uid: Buffer | string;
      __privileges: Record<number, number>;
    }[];
    from_string(token: string): boolean;
    verifySignature(appCertificate: string): boolean;
  }
}
