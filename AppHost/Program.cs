using GoldenPath.Kubernetes;

// The whole stack on one machine: the platform with its database, PostgreSQL, Redis and the sample services,
// with the Aspire dashboard. Images come from configuration (see docs/local-development.md).
var builder = DistributedApplication.CreateBuilder(args);

var platform = builder.AddGoldenPathPlatform<Projects.GoldenPath_Platform>("platform");
// The portal's pages, next to the platform's own URL in the dashboard.
platform.WithUrl($"{platform.GetEndpoint("http")}/portal", "Portal");

var postgres = builder.AddGoldenPathPostgres("postgres");
var users = postgres.AddDatabase("users");
var orders = postgres.AddDatabase("orders");
var cache = builder.AddGoldenPathRedis("cache");

builder.AddGoldenPathService<Projects.UserApi>("user-api")
    .WithReference(users).WaitFor(users)
    .WithReference(cache).WaitFor(cache)
    .WithGoldenPathWorkload(workload =>
    {
        workload.Size = WorkloadSize.Medium;
        workload.External = true;
    });

builder.AddGoldenPathService<Projects.OrdersWorker>("orders-worker")
    .WithReference(orders).WaitFor(orders)
    .WithReference(cache).WaitFor(cache)
    .WithGoldenPathWorkload(workload => workload.ServesHttp = false);

await builder.Build().RunAsync();
