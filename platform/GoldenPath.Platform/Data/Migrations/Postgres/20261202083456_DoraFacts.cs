using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GoldenPath.Platform.Data.Migrations.Postgres
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
                    Service = table.Column<string>(type: "character varying(63)", nullable: false),
                    DeploymentId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Environment = table.Column<string>(type: "text", nullable: false),
                    FinishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Succeeded = table.Column<bool>(type: "boolean", nullable: false),
                    Rework = table.Column<bool>(type: "boolean", nullable: false),
                    Remediates = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    LeadTimeHours = table.Column<List<double>>(type: "double precision[]", nullable: false),
                    Failed = table.Column<bool>(type: "boolean", nullable: false),
                    RemediatedAt = table.Column<List<DateTimeOffset>>(type: "timestamp with time zone[]", nullable: false),
                    RecoveredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RecoveryHours = table.Column<double>(type: "double precision", nullable: true)
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
