using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GoldenPath.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ScorecardResults : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "scorecard_results",
                columns: table => new
                {
                    Service = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    PassedChecks = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    Generation = table.Column<long>(type: "bigint", nullable: false),
                    EvaluatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scorecard_results", x => x.Service);
                    table.ForeignKey(
                        name: "FK_scorecard_results_services_Service",
                        column: x => x.Service,
                        principalTable: "services",
                        principalColumn: "Name",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "scorecard_results");
        }
    }
}
