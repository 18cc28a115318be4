/** One POST a fake received, whatever it answered. */
export interface RecordedPost {
  /** The full URL posted to. */
  url: string;
  at: number;
  status: number;
  accepted: boolean;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
}

/** A fake's answer to one request. */
export interface FakeAnswer {
  status: number;
  body: unknown;
}
