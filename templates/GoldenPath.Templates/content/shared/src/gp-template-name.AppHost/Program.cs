using GoldenPath.Kubernetes;

// gp-template-name with what it depends on, under the Aspire dashboard (dotnet run). The same model publishes
// the service's Kubernetes manifests: `dotnet aspire publish --apphost <this project> --output-path deploy` from the
// repository's root (or, without the Aspire CLI: dotnet run -- --operation publish --step publish --output-path ../../deploy)
var builder = DistributedApplication.CreateBuilder(args);
#if (usePostgres)

var postgres = builder.AddGoldenPathPostgres("postgres");
var database = postgres.AddDatabase("db");
#endif
#if (useRedis)

var cache = builder.AddGoldenPathRedis("cache");
#endif

builder.AddGoldenPathService<Projects.GpTemplateProjectsClass>("gp-template-name")
#if (usePostgres)
    .WithReference(database).WaitFor(database)
#endif
#if (useRedis)
    .WithReference(cache).WaitFor(cache)
#endif
    .WithGoldenPathWorkload(workload =>
    {
        workload.Size = WorkloadSize.Small;
#if (isWorker)
        workload.ServesHttp = false; // its web listener serves only its probes
#endif
    });

await builder.Build().RunAsync();
