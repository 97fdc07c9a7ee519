using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GoldenPath.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "deployments",
                columns: table => new
                {
                    DeploymentId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Service = table.Column<string>(type: "TEXT", nullable: false),
                    Environment = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<string>(type: "TEXT", nullable: false),
                    Commit = table.Column<string>(type: "TEXT", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", nullable: false),
                    Remediates = table.Column<string>(type: "TEXT", nullable: true),
                    Commits = table.Column<string>(type: "TEXT", nullable: false),
                    PolicyPassed = table.Column<bool>(type: "INTEGER", nullable: true),
                    PolicyErrors = table.Column<int>(type: "INTEGER", nullable: true),
                    PolicyWarnings = table.Column<int>(type: "INTEGER", nullable: true),
                    Url = table.Column<string>(type: "TEXT", nullable: true),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    BodyHash = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_deployments", x => x.DeploymentId);
                });

            migrationBuilder.CreateTable(
                name: "environments",
                columns: table => new
                {
                    Team = table.Column<string>(type: "TEXT", nullable: false),
                    Environment = table.Column<string>(type: "TEXT", nullable: false),
                    Cpu = table.Column<string>(type: "TEXT", nullable: false),
                    Memory = table.Column<string>(type: "TEXT", nullable: false),
                    Pods = table.Column<int>(type: "INTEGER", nullable: false),
                    CostCenter = table.Column<string>(type: "TEXT", nullable: true),
                    Group = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_environments", x => new { x.Team, x.Environment });
                });

            migrationBuilder.CreateTable(
                name: "incidents",
                columns: table => new
                {
                    IncidentId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Service = table.Column<string>(type: "TEXT", nullable: false),
                    Environment = table.Column<string>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", nullable: false),
                    Severity = table.Column<string>(type: "TEXT", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ResolvedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DeploymentId = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_incidents", x => x.IncidentId);
                });

            migrationBuilder.CreateTable(
                name: "instances",
                columns: table => new
                {
                    ServiceName = table.Column<string>(type: "TEXT", nullable: false),
                    InstanceId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Version = table.Column<string>(type: "TEXT", nullable: false),
                    Environment = table.Column<string>(type: "TEXT", nullable: false),
                    SdkVersion = table.Column<string>(type: "TEXT", nullable: false),
                    Endpoints = table.Column<string>(type: "TEXT", nullable: false),
                    HealthLive = table.Column<string>(type: "TEXT", nullable: true),
                    HealthReady = table.Column<string>(type: "TEXT", nullable: true),
                    HealthStartup = table.Column<string>(type: "TEXT", nullable: true),
                    Dependencies = table.Column<string>(type: "TEXT", nullable: false),
                    Commit = table.Column<string>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", nullable: true),
                    TelemetryConfigured = table.Column<bool>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RegisteredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastHeartbeatAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_instances", x => new { x.ServiceName, x.InstanceId });
                });

            migrationBuilder.CreateTable(
                name: "services",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    Owner = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    System = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    Lifecycle = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    Tags = table.Column<string>(type: "TEXT", nullable: false),
                    Links = table.Column<string>(type: "TEXT", nullable: false),
                    ProvidesApis = table.Column<string>(type: "TEXT", nullable: false),
                    ConsumesApis = table.Column<string>(type: "TEXT", nullable: false),
                    DependsOn = table.Column<string>(type: "TEXT", nullable: false),
                    ApiDefinitions = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_services", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "tokens",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    Hash = table.Column<string>(type: "TEXT", nullable: false),
                    Team = table.Column<string>(type: "TEXT", nullable: false),
                    Scopes = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tokens", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_deployments_Service_Environment_FinishedAt",
                table: "deployments",
                columns: new[] { "Service", "Environment", "FinishedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_incidents_DeploymentId",
                table: "incidents",
                column: "DeploymentId");

            migrationBuilder.CreateIndex(
                name: "IX_incidents_Service_Environment_StartedAt",
                table: "incidents",
                columns: new[] { "Service", "Environment", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_instances_ExpiresAt",
                table: "instances",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_services_Owner",
                table: "services",
                column: "Owner");

            migrationBuilder.CreateIndex(
                name: "IX_tokens_Hash",
                table: "tokens",
                column: "Hash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "deployments");

            migrationBuilder.DropTable(
                name: "environments");

            migrationBuilder.DropTable(
                name: "incidents");

            migrationBuilder.DropTable(
                name: "instances");

            migrationBuilder.DropTable(
                name: "services");

            migrationBuilder.DropTable(
                name: "tokens");
        }
    }
}
