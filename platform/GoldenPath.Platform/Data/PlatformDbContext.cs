using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace GoldenPath.Platform.Data;

/// <summary>
/// The platform's store. Two providers share this model: PostgreSQL (<see cref="PostgresPlatformDbContext"/>)
/// and SQLite (<see cref="SqlitePlatformDbContext"/>), each with its own migrations.
/// </summary>
internal abstract class PlatformDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<ServiceEntity> Services => Set<ServiceEntity>();

    public DbSet<InstanceEntity> Instances => Set<InstanceEntity>();

    public DbSet<DeploymentEntity> Deployments => Set<DeploymentEntity>();

    public DbSet<IncidentEntity> Incidents => Set<IncidentEntity>();

    /// <summary>The DORA read model, one row per deployment (<see cref="Domain.DoraFacts"/>).</summary>
    public DbSet<DeploymentFactEntity> DeploymentFacts => Set<DeploymentFactEntity>();

    public DbSet<EnvironmentEntity> Environments => Set<EnvironmentEntity>();

    public DbSet<TokenEntity> Tokens => Set<TokenEntity>();

    public DbSet<SystemClaimEntity> Systems => Set<SystemClaimEntity>();

    /// <summary>Each service's passed scorecard checks, the read model of the levels the portal shows.</summary>
    public DbSet<ScorecardResultEntity> ScorecardResults => Set<ScorecardResultEntity>();

    /// <summary>The portal's sessions: a cookie names one, signing out deletes it.</summary>
    public DbSet<PortalSessionEntity> PortalSessions => Set<PortalSessionEntity>();

    /// <summary>The Data Protection key ring every replica shares (the portal's cookies and antiforgery tokens).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var json = PlatformStoreJsonContext.Default;
        modelBuilder.Entity<ServiceEntity>(service =>
        {
            service.ToTable("services");
            service.HasKey(s => s.Name);
            service.HasIndex(s => s.Owner);
            service.Property(s => s.Name).HasMaxLength(63);
            // Every update of a row checks that its owner is still the one read: a transfer in between fails the write.
            service.Property(s => s.Owner).HasMaxLength(63).IsConcurrencyToken();
            service.Property(s => s.System).HasMaxLength(63);
            service.Property(s => s.Lifecycle).HasMaxLength(32);
            service.Property(s => s.Type).HasMaxLength(32);
            service.Property(s => s.Description).HasMaxLength(1024);
            Json(service.Property(s => s.Tags), json.ListString);
            Json(service.Property(s => s.Links), json.ListStoredLink);
            Json(service.Property(s => s.ProvidesApis), json.ListString);
            Json(service.Property(s => s.ConsumesApis), json.ListString);
            Json(service.Property(s => s.DependsOn), json.ListStoredDependency);
            Json(service.Property(s => s.ApiDefinitions), json.ListStoredApiDefinition);
            service.Property(s => s.SourceLocation).HasMaxLength(2048);
            service.Property(s => s.TechDocsRef).HasMaxLength(2048);
            service.Property(s => s.Template).HasMaxLength(128);
            service.Property(s => s.TemplateVersion).HasMaxLength(64);
        });

        modelBuilder.Entity<InstanceEntity>(instance =>
        {
            instance.ToTable("instances");
            instance.HasKey(i => new { i.ServiceName, i.InstanceId });
            // An instance, deployment or incident exists only while its service does: a write that passed its owner check
            // just before the service was removed fails in the store instead of leaving rows on the freed name.
            instance.HasOne<ServiceEntity>().WithMany().HasForeignKey(i => i.ServiceName).OnDelete(DeleteBehavior.Cascade);
            instance.HasIndex(i => i.ExpiresAt);
            instance.Property(i => i.InstanceId).HasMaxLength(128);
            instance.Property(i => i.Template).HasMaxLength(Domain.FleetVersionsService.MaxTemplateLength);
            instance.Property(i => i.TemplateVersion).HasMaxLength(Domain.FleetVersionsService.MaxVersionLength);
            Json(instance.Property(i => i.Endpoints), json.ListString);
            Json(instance.Property(i => i.Dependencies), json.ListStoredDependency);
        });

        modelBuilder.Entity<DeploymentEntity>(deployment =>
        {
            deployment.ToTable("deployments");
            // Ids are the service's own: another team's deployment with the same id is another deployment.
            deployment.HasKey(d => new { d.Service, d.DeploymentId });
            deployment.HasOne<ServiceEntity>().WithMany().HasForeignKey(d => d.Service).OnDelete(DeleteBehavior.Cascade);
            deployment.HasIndex(d => new { d.Service, d.Environment, d.FinishedAt });
            deployment.Property(d => d.DeploymentId).HasMaxLength(128);
            Json(deployment.Property(d => d.Commits), json.ListStoredCommit);
        });

        modelBuilder.Entity<IncidentEntity>(incident =>
        {
            incident.ToTable("incidents");
            incident.HasKey(i => new { i.Service, i.IncidentId });
            incident.HasOne<ServiceEntity>().WithMany().HasForeignKey(i => i.Service).OnDelete(DeleteBehavior.Cascade);
            incident.HasIndex(i => new { i.Service, i.Environment, i.StartedAt });
            incident.HasIndex(i => new { i.Service, i.DeploymentId });
            incident.Property(i => i.IncidentId).HasMaxLength(128);
        });

        modelBuilder.Entity<DeploymentFactEntity>(fact =>
        {
            fact.ToTable("deployment_facts");
            fact.HasKey(f => new { f.Service, f.DeploymentId });
            // A fact lives exactly as long as its deployment: removing the deployment (or its service) removes it.
            fact.HasOne<DeploymentEntity>().WithOne().HasForeignKey<DeploymentFactEntity>(f => new { f.Service, f.DeploymentId }).OnDelete(DeleteBehavior.Cascade);
            fact.HasIndex(f => new { f.Environment, f.FinishedAt });
            fact.HasIndex(f => new { f.Service, f.Environment, f.FinishedAt });
            fact.Property(f => f.DeploymentId).HasMaxLength(128);
            fact.Property(f => f.Remediates).HasMaxLength(128);
        });

        modelBuilder.Entity<EnvironmentEntity>(environment =>
        {
            environment.ToTable("environments");
            environment.HasKey(e => new { e.Team, e.Environment });
            environment.Property(e => e.Namespace).HasMaxLength(63);
            environment.HasIndex(e => e.Namespace).IsUnique();
        });

        modelBuilder.Entity<SystemClaimEntity>(system =>
        {
            system.ToTable("systems");
            system.HasKey(s => s.Name);
            system.Property(s => s.Name).HasMaxLength(63);
            system.Property(s => s.Owner).HasMaxLength(63);
        });

        modelBuilder.Entity<TokenEntity>(token =>
        {
            token.ToTable("tokens");
            token.HasKey(t => t.Id);
            token.HasIndex(t => t.Hash).IsUnique();
            Json(token.Property(t => t.Scopes), json.ListString);
        });

        modelBuilder.Entity<PortalSessionEntity>(session =>
        {
            session.ToTable("portal_sessions");
            session.HasKey(s => s.Id);
            session.Property(s => s.Id).HasMaxLength(64);
            session.HasIndex(s => s.ExpiresAt);
        });

        modelBuilder.Entity<ScorecardResultEntity>(result =>
        {
            result.ToTable("scorecard_results");
            result.HasKey(r => r.Service);
            result.HasOne<ServiceEntity>().WithMany().HasForeignKey(r => r.Service).OnDelete(DeleteBehavior.Cascade);
            result.Property(r => r.Service).HasMaxLength(63);
            result.Property(r => r.PassedChecks).HasMaxLength(1024);
        });

        modelBuilder.Entity<DataProtectionKey>(key => key.ToTable("data_protection_keys"));
    }

    /// <summary>Stores a list as a JSON text column (source-generated serialization), compared by content.</summary>
    private static void Json<T>(Microsoft.EntityFrameworkCore.Metadata.Builders.PropertyBuilder<List<T>> property, JsonTypeInfo<List<T>> type)
    {
        property.HasConversion(new ValueConverter<List<T>, string>(
            v => JsonSerializer.Serialize(v, type),
            v => JsonSerializer.Deserialize(v, type) ?? new List<T>()));
        property.Metadata.SetValueComparer(new ValueComparer<List<T>>(
            (a, b) => JsonSerializer.Serialize(a!, type) == JsonSerializer.Serialize(b!, type),
            v => JsonSerializer.Serialize(v, type).GetHashCode(StringComparison.Ordinal),
            v => JsonSerializer.Deserialize(JsonSerializer.Serialize(v, type), type)!));
    }
}

/// <summary>The PostgreSQL store (when <c>ConnectionStrings:platform</c> is set).</summary>
internal sealed class PostgresPlatformDbContext(DbContextOptions<PostgresPlatformDbContext> options) : PlatformDbContext(options);

/// <summary>The embedded SQLite store (the default); timestamps are stored as sortable integers.</summary>
internal sealed class SqlitePlatformDbContext(DbContextOptions<SqlitePlatformDbContext> options) : PlatformDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no timestamp type and EF cannot compare or order DateTimeOffset text there.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}
