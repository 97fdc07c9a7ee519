using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GoldenPath.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TenantIsolation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_incidents",
                table: "incidents");

            migrationBuilder.DropIndex(
                name: "IX_incidents_DeploymentId",
                table: "incidents");

            migrationBuilder.DropPrimaryKey(
                name: "PK_deployments",
                table: "deployments");

            migrationBuilder.AddColumn<string>(
                name: "Namespace",
                table: "environments",
                type: "character varying(63)",
                maxLength: 63,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "PolicyVerified",
                table: "deployments",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddPrimaryKey(
                name: "PK_incidents",
                table: "incidents",
                columns: new[] { "Service", "IncidentId" });

            migrationBuilder.AddPrimaryKey(
                name: "PK_deployments",
                table: "deployments",
                columns: new[] { "Service", "DeploymentId" });

            migrationBuilder.CreateTable(
                name: "systems",
                columns: table => new
                {
                    Name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    Owner = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_systems", x => x.Name);
                });

            migrationBuilder.CreateIndex(
                name: "IX_incidents_Service_DeploymentId",
                table: "incidents",
                columns: new[] { "Service", "DeploymentId" });

            // Environments recorded before: the first team granted a namespace keeps it (an older collision stays
            // without a namespace until an admin resolves it).
            migrationBuilder.Sql("""
                UPDATE environments SET "Namespace" = "Team" || '-' || "Environment"
                WHERE NOT EXISTS (
                    SELECT 1 FROM environments AS earlier
                    WHERE earlier."Team" || '-' || earlier."Environment" = environments."Team" || '-' || environments."Environment"
                      AND (earlier."CreatedAt" < environments."CreatedAt" OR (earlier."CreatedAt" = environments."CreatedAt" AND earlier."Team" < environments."Team")));
                """);

            // Systems in use: owned by the team of the first service placed in them.
            migrationBuilder.Sql("""
                INSERT INTO systems ("Name", "Owner", "CreatedAt")
                SELECT s."System", s."Owner", s."CreatedAt" FROM services AS s
                WHERE NOT EXISTS (
                    SELECT 1 FROM services AS earlier
                    WHERE earlier."System" = s."System"
                      AND (earlier."CreatedAt" < s."CreatedAt" OR (earlier."CreatedAt" = s."CreatedAt" AND earlier."Name" < s."Name")));
                """);

            migrationBuilder.CreateIndex(
                name: "IX_environments_Namespace",
                table: "environments",
                column: "Namespace",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "systems");

            migrationBuilder.DropPrimaryKey(
                name: "PK_incidents",
                table: "incidents");

            migrationBuilder.DropIndex(
                name: "IX_incidents_Service_DeploymentId",
                table: "incidents");

            migrationBuilder.DropIndex(
                name: "IX_environments_Namespace",
                table: "environments");

            migrationBuilder.DropPrimaryKey(
                name: "PK_deployments",
                table: "deployments");

            migrationBuilder.DropColumn(
                name: "Namespace",
                table: "environments");

            migrationBuilder.DropColumn(
                name: "PolicyVerified",
                table: "deployments");

            migrationBuilder.AddPrimaryKey(
                name: "PK_incidents",
                table: "incidents",
                column: "IncidentId");

            migrationBuilder.AddPrimaryKey(
                name: "PK_deployments",
                table: "deployments",
                column: "DeploymentId");

            migrationBuilder.CreateIndex(
                name: "IX_incidents_DeploymentId",
                table: "incidents",
                column: "DeploymentId");
        }
    }
}
