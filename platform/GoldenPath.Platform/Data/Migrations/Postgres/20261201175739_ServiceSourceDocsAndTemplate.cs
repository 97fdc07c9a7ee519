using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GoldenPath.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ServiceSourceDocsAndTemplate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SourceLocation",
                table: "services",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TechDocsRef",
                table: "services",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Template",
                table: "services",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TemplateVersion",
                table: "services",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SourceLocation",
                table: "services");

            migrationBuilder.DropColumn(
                name: "TechDocsRef",
                table: "services");

            migrationBuilder.DropColumn(
                name: "Template",
                table: "services");

            migrationBuilder.DropColumn(
                name: "TemplateVersion",
                table: "services");
        }
    }
}
