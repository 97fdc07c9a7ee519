export interface Config {
  /** The GoldenPath platform whose catalog the catalog module ingests. */
  goldenpath?: {
    platform: {
      /** The platform's base URL, e.g. https://platform.example.com (no path after the host). */
      url: string;
      /**
       * A platform API token with the `read` scope. Give it as `${GOLDENPATH_PLATFORM_TOKEN}`: never write the token
       * into the file.
       * @visibility secret
       */
      token: string;
    };
    /** Components (each with its Resources and APIs), Systems and Groups per page of the feed; default 100, at most 500. */
    pageSize?: number;
    /** How often the catalog is read again; default every 5 minutes, timeout 3 minutes. */
    schedule?: {
      frequency: { minutes?: number; seconds?: number; hours?: number } | string;
      timeout: { minutes?: number; seconds?: number; hours?: number } | string;
      initialDelay?: { minutes?: number; seconds?: number; hours?: number } | string;
    };
  };
}
