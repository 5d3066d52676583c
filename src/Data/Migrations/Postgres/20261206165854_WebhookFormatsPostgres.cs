using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class WebhookFormatsPostgres : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Link",
                table: "NotificationDeliveries",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProtectedSigningSecret",
                table: "NotificationChannels",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WebhookFormat",
                table: "NotificationChannels",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "SimpleJson"); // existing channels keep sending what they sent before formats existed
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Link",
                table: "NotificationDeliveries");

            migrationBuilder.DropColumn(
                name: "ProtectedSigningSecret",
                table: "NotificationChannels");

            migrationBuilder.DropColumn(
                name: "WebhookFormat",
                table: "NotificationChannels");
        }
    }
}
