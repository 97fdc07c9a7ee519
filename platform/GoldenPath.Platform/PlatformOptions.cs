namespace GoldenPath.Platform;

/// <summary>The platform's settings, under <c>GoldenPath:Platform</c> (the same section the SDK reads its URL from).</summary>
public sealed class PlatformOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "GoldenPath:Platform";

    /// <summary>The fewest characters the bootstrap admin token may have.</summary>
    public const int MinimumBootstrapTokenLength = 32;

    /// <summary>
    /// Gets or sets an admin token accepted from configuration, to create the first real tokens; at least
    /// <see cref="MinimumBootstrapTokenLength"/> characters. Keep it in a secret that only the platform and its
    /// operators read: no service ever needs it.
    /// </summary>
    public string? BootstrapToken { get; set; }

    /// <summary>
    /// Gets or sets how many failed authentications one client (an IPv4 address, an IPv6 /64) may make in a burst before
    /// its next failed ones are refused with 429; a valid token is always accepted.
    /// </summary>
    public int FailedAuthenticationBurst { get; set; } = 20;

    /// <summary>Gets or sets how many failed authentications per minute one client may make, sustained (refilled one at a time).</summary>
    public int FailedAuthenticationsPerMinute { get; set; } = 10;

    /// <summary>
    /// Gets or sets the reverse proxies (addresses such as <c>10.0.0.5</c>, or networks such as <c>10.244.0.0/16</c>) whose
    /// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> the platform believes. Empty by default: the client is the
    /// connection's peer and forwarded headers are ignored, even with <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c>
    /// (which on its own would believe them from anyone).
    /// </summary>
    public IList<string> TrustedProxies { get; } = [];

    /// <summary>
    /// Gets or sets the Prometheus that runs the services' generated SLO rules (docs/observability.md): the scorecard's
    /// <c>slos-declared</c> check and <c>GET /api/v1/services/{name}/slos</c> read the objectives and budgets it records.
    /// </summary>
    public Uri? PrometheusUrl { get; set; }

    /// <summary>Gets or sets whether reads (catalog, DORA, scorecards, entities) need no token.</summary>
    public bool AnonymousRead { get; set; }

    /// <summary>Gets or sets how long an instance stays live after a heartbeat: three missed heartbeats of 30 s.</summary>
    public TimeSpan InstanceTtl { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Gets or sets the folder of the SQLite database when no PostgreSQL connection string is set; <c>{content root}/data</c> by default.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Gets or sets whether pending migrations are applied at start-up.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>
    /// Gets or sets how often the periodic background jobs (removing instances that expired more than an hour ago) run.
    /// With several replicas on PostgreSQL one replica runs them, the holder of an advisory lock; when it stops or dies,
    /// another takes the lock on its next run, at most this long later.
    /// </summary>
    public TimeSpan BackgroundJobInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Gets or sets how often every service's scorecard is evaluated again for the levels the portal's catalog, team and
    /// adoption pages show (and once at start-up): the longest a level stays stale when only time or a heartbeat changed
    /// it (an instance that expired, a deployment that left the 30-day window, readiness reported by a heartbeat). Writes
    /// that change a level (catalog entries, registrations, deployments) store it at once. On the replica that holds the
    /// background jobs' lease.
    /// </summary>
    public TimeSpan ScorecardRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how long a replica told to stop with SIGTERM keeps serving after its readiness turned 503, before it
    /// stops taking connections and drains: the time a load balancer's health check or Kubernetes' endpoint update takes
    /// to stop sending it requests (5 s by default). After it, the replica serves on while requests still arrive, until
    /// none came for a second, at most as long again: keep twice the delay well inside the pod's grace period. A stop from
    /// within the process (a test host) does not wait.
    /// </summary>
    public TimeSpan ShutdownDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how many writes one token (or one address, without a token) may make per second, sustained.</summary>
    public int WritesPerSecond { get; set; } = 200;

    /// <summary>Gets or sets how many writes one token may make in a burst.</summary>
    public int WriteBurst { get; set; } = 1000;

    /// <summary>Gets or sets how many reads one token (or one client address, for anonymous reads) may make per second, sustained.</summary>
    public int ReadsPerSecond { get; set; } = 50;

    /// <summary>Gets or sets how many reads one token (or one client address) may make in a burst.</summary>
    public int ReadBurst { get; set; } = 200;

    /// <summary>
    /// Gets or sets how many live instances one service may have; registering one more is refused with 409 while the
    /// live ones still send heartbeats. Bounds what one service adds to every catalog read and to the heartbeat load.
    /// </summary>
    public int MaxLiveInstancesPerService { get; set; } = 500;

    /// <summary>
    /// Gets or sets how long a replica keeps a token and a service's owner in memory, so that heartbeats do not read
    /// them from the store each time; <see cref="TimeSpan.Zero"/> turns the cache off. A token revoked or an owner
    /// changed through any replica is forgotten by every replica within a second (PostgreSQL LISTEN/NOTIFY); a replica
    /// that is not listening, or whose own notifications have not arrived for 3 s, caches nothing.
    /// </summary>
    public TimeSpan LookupCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the most items one page of a list holds (<c>GET /api/v1/services</c>, <c>/api/v1/entities</c>), at most
    /// 500: a larger <c>limit</c> is answered this many at a time, with a <c>Link: rel="next"</c> header to the rest.
    /// </summary>
    public int MaxPageSize { get; set; } = 500;

    /// <summary>Gets or sets the largest request body accepted, in bytes.</summary>
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// The namespaces no team's environment may be, besides Kubernetes' own (<c>default</c>, <c>kube-*</c>, always
    /// refused): the platform's own namespace and those the usual cluster add-ons install into. An entry ending with
    /// <c>*</c> is a prefix.
    /// </summary>
    public static IReadOnlyList<string> DefaultReservedNamespaces { get; } =
    [
        "goldenpath", "goldenpath-*", "cert-manager", "ingress-nginx", "istio-*", "gatekeeper-system", "kyverno", "flux-system", "argocd",
        "monitoring", "calico-system", "calico-apiserver", "tigera-operator", "local-path-storage", "linkerd*", "kubernetes-dashboard",
    ];

    /// <summary>
    /// Gets or sets more namespaces no team's environment may be, in addition to <see cref="DefaultReservedNamespaces"/>:
    /// those this cluster keeps for its own components (<c>GoldenPath:Platform:ReservedNamespaces:0 = observability</c>).
    /// An entry ending with <c>*</c> is a prefix (<c>shared-*</c>). Requesting such an environment is refused with 400.
    /// </summary>
    public IList<string> ReservedNamespaces { get; set; } = [];

    /// <summary>Gets every reserved namespace and prefix: the defaults and the configured ones.</summary>
    internal IEnumerable<string> AllReservedNamespaces => DefaultReservedNamespaces.Concat(ReservedNamespaces);

    /// <summary>
    /// Gets or sets the URL Backstage users reach the platform at (e.g. <c>https://platform.example.com/</c>), for the links
    /// the Backstage feed puts on each Component (its DORA figures). When not set, the URL the feed was requested at.
    /// </summary>
    public Uri? PublicUrl { get; set; }

    /// <summary>
    /// Gets or sets the portal's page of a service, with <c>{name}</c> for the service's name
    /// (e.g. <c>https://platform.example.com/portal/services/{name}</c>), linked from each Component of the Backstage feed.
    /// Not set by default: no portal link.
    /// </summary>
    public string? PortalServiceUrl { get; set; }

    /// <summary>
    /// Gets or sets how many minor versions behind the newest GoldenPath release (<see cref="NewestVersion"/>) a service's
    /// GoldenPath.ServiceDefaults and template version may be before its scorecard's <c>sdk-supported</c> check fails.
    /// </summary>
    public int SupportedSdkMinorVersions { get; set; } = 2;

    /// <summary>
    /// Gets or sets the newest GoldenPath release (SDK packages and template pack share one version) that
    /// <c>GET /api/v1/fleet/versions</c> and the scorecard measure services against; default: the platform's own
    /// GoldenPath.ServiceDefaults version. Versions services report never change it.
    /// </summary>
    public string? NewestVersion { get; set; }

    /// <summary>
    /// Gets or sets the scorecard's levels, lowest first, each a name and the ids of the checks it needs on top of the
    /// levels below it (<c>GoldenPath:Platform:ScorecardLevels:0:Name = Bronze</c>, <c>...:0:Checks:0 = owner-set</c>).
    /// Not set: Bronze, Silver and Gold as docs/portal.md describes. The scorecard API and every portal page show them.
    /// </summary>
    public IList<Domain.ScorecardLevelSetting>? ScorecardLevels { get; set; }

    /// <summary>
    /// Gets the claims a person signed in by the company's identity provider (OpenID Connect) must hold to read the
    /// portal, and what each admits them to. A person whose claims match none is refused.
    /// </summary>
    public PortalSignInOptions PortalSignIn { get; } = new();

    /// <summary>
    /// Gets how the portal's Data Protection key ring (the keys its cookies and antiforgery tokens are protected with,
    /// kept in the store's <c>data_protection_keys</c>) is encrypted before it is stored (<c>GoldenPath:Platform:KeyRing</c>).
    /// </summary>
    public KeyRingOptions KeyRing { get; } = new();
}

/// <summary>
/// The certificates the portal's Data Protection keys are encrypted with before they are stored
/// (<c>GoldenPath:Platform:KeyRing</c>). Without <see cref="Certificate"/> the keys are stored in clear, and whoever
/// reads the store or a backup of it can make portal cookies.
/// </summary>
public sealed class KeyRingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = PlatformOptions.SectionName + ":KeyRing";

    /// <summary>Gets the certificate new keys are encrypted with (and that decrypts the keys it encrypted).</summary>
    public KeyRingCertificateOptions Certificate { get; } = new();

    /// <summary>
    /// Gets the certificates keys were encrypted with before the current one: they only decrypt. Keep a certificate here
    /// after replacing it until the keys it encrypted have expired (90 days after the newest of them was made).
    /// </summary>
    public IList<KeyRingCertificateOptions> PreviousCertificates { get; } = [];
}

/// <summary>An X.509 certificate with its RSA private key: a PKCS#12 (PFX) file, or a PEM certificate and its PEM key.</summary>
public sealed class KeyRingCertificateOptions
{
    /// <summary>Gets or sets the certificate's file: a PKCS#12 (<c>.pfx</c>) file, or a PEM certificate (with its key in the same file or in <see cref="KeyPath"/>); relative to the content root.</summary>
    public string? Path { get; set; }

    /// <summary>Gets or sets the PEM private key's file, for a PEM certificate whose key is in a file of its own (as a Kubernetes TLS Secret has them).</summary>
    public string? KeyPath { get; set; }

    /// <summary>Gets or sets the password of the PKCS#12 file or of the encrypted PEM key; none by default.</summary>
    public string? Password { get; set; }
}

/// <summary>
/// Who of the people the company's identity provider signs in may read the portal (<c>GoldenPath:Platform:PortalSignIn</c>):
/// a claim value (a group or a role) admits its holder as a reader of every team, or as one team's reader.
/// </summary>
public sealed class PortalSignInOptions
{
    /// <summary>Gets or sets the type of the claims compared, as the identity provider names it in its ID token: <c>groups</c> by default, <c>roles</c> for app roles.</summary>
    public string ClaimType { get; set; } = "groups";

    /// <summary>Gets the claim values that admit their holder as a reader of every team, as a <c>read</c> token without a team reads.</summary>
    public IList<string> PlatformReaders { get; } = [];

    /// <summary>Gets the claim values that admit their holder as one team's reader: what that team's <c>read</c> token reads.</summary>
    public IList<PortalTeamClaim> TeamReaders { get; } = [];
}

/// <summary>A claim value and the team whose reader it makes its holder.</summary>
public sealed class PortalTeamClaim
{
    /// <summary>Gets or sets the claim's value, e.g. a group's name or id.</summary>
    public string Value { get; set; } = "";

    /// <summary>Gets or sets the team, as its tokens name it.</summary>
    public string Team { get; set; } = "";
}
