using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GoldenPath.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ServiceOwnsItsRows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddForeignKey(
                name: "FK_deployments_services_Service",
                table: "deployments",
                column: "Service",
                principalTable: "services",
                principalColumn: "Name",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_incidents_services_Service",
                table: "incidents",
                column: "Service",
                principalTable: "services",
                principalColumn: "Name",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "FK_instances_services_ServiceName",
                table: "instances",
                column: "ServiceName",
                principalTable: "services",
                principalColumn: "Name",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_deployments_services_Service",
                table: "deployments");

            migrationBuilder.DropForeignKey(
                name: "FK_incidents_services_Service",
                table: "incidents");

            migrationBuilder.DropForeignKey(
                name: "FK_instances_services_ServiceName",
                table: "instances");
        }
    }
}
