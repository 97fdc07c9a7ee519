using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GoldenPath.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ServiceOwnsItsRows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "ServiceName",
                table: "instances",
                type: "character varying(63)",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "text");

            migrationBuilder.AlterColumn<string>(
                name: "Service",
                table: "incidents",
                type: "character varying(63)",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "text");

            migrationBuilder.AlterColumn<string>(
                name: "Service",
                table: "deployments",
                type: "character varying(63)",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "text");

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

            migrationBuilder.AlterColumn<string>(
                name: "ServiceName",
                table: "instances",
                type: "text",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(63)");

            migrationBuilder.AlterColumn<string>(
                name: "Service",
                table: "incidents",
                type: "text",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(63)");

            migrationBuilder.AlterColumn<string>(
                name: "Service",
                table: "deployments",
                type: "text",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(63)");
        }
    }
}
