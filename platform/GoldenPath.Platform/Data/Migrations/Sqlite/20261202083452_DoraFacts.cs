using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GoldenPath.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DoraFacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "deployment_facts",
                columns: table => new
                {
                    Service = table.Column<string>(type: "TEXT", nullable: false),
                    DeploymentId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Environment = table.Column<string>(type: "TEXT", nullable: false),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Succeeded = table.Column<bool>(type: "INTEGER", nullable: false),
                    Rework = table.Column<bool>(type: "INTEGER", nullable: false),
                    Remediates = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    LeadTimeHours = table.Column<string>(type: "TEXT", nullable: false),
                    Failed = table.Column<bool>(type: "INTEGER", nullable: false),
                    RemediatedAt = table.Column<string>(type: "TEXT", nullable: false),
                    RecoveredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RecoveryHours = table.Column<double>(type: "REAL", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_deployment_facts", x => new { x.Service, x.DeploymentId });
                    table.ForeignKey(
                        name: "FK_deployment_facts_deployments_Service_DeploymentId",
                        columns: x => new { x.Service, x.DeploymentId },
                        principalTable: "deployments",
                        principalColumns: new[] { "Service", "DeploymentId" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_deployment_facts_Environment_FinishedAt",
                table: "deployment_facts",
                columns: new[] { "Environment", "FinishedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_deployment_facts_Service_Environment_FinishedAt",
                table: "deployment_facts",
                columns: new[] { "Service", "Environment", "FinishedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "deployment_facts");
        }
    }
}
