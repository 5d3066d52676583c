using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class StatusBoard : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "NotificationChannels",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Tag = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    DailyDigest = table.Column<bool>(type: "INTEGER", nullable: false),
                    SmtpHost = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    SmtpPort = table.Column<int>(type: "INTEGER", nullable: false),
                    SmtpSecurity = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    SmtpUserName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    ProtectedSmtpPassword = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    FromAddress = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    ToAddresses = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ProtectedWebhookUrl = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    SecretFingerprint = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    UpdatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NotificationChannels", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "StatusAttestations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    AttestedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    AttestedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StatusAtAttestation = table.Column<int>(type: "INTEGER", nullable: false),
                    Comment = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatusAttestations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_StatusAttestations_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "StatusCheckResults",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    Layer = table.Column<int>(type: "INTEGER", nullable: false),
                    Outcome = table.Column<int>(type: "INTEGER", nullable: false),
                    Diagnosis = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Fix = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    LatencyMs = table.Column<double>(type: "REAL", nullable: false),
                    ErrorCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    EvidenceJson = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    CheckedUtc = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatusCheckResults", x => x.Id);
                    table.ForeignKey(
                        name: "FK_StatusCheckResults_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TenantStatus",
                columns: table => new
                {
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    StatusSinceUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastCheckedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Diagnosis = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Fix = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    LastAttestedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastAttestedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    LastAttestationComment = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TenantStatus", x => x.TenantId);
                    table.ForeignKey(
                        name: "FK_TenantStatus_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "NotificationDeliveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    TenantId = table.Column<int>(type: "INTEGER", nullable: true),
                    EventKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    EventKind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    NextAttemptUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastAttemptUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    SentUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NotificationDeliveries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_NotificationDeliveries_NotificationChannels_ChannelId",
                        column: x => x.ChannelId,
                        principalTable: "NotificationChannels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_ChannelId_EventKey",
                table: "NotificationDeliveries",
                columns: new[] { "ChannelId", "EventKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_EventKey",
                table: "NotificationDeliveries",
                column: "EventKey");

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_State_NextAttemptUtc",
                table: "NotificationDeliveries",
                columns: new[] { "State", "NextAttemptUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_StatusAttestations_TenantId_AttestedUtc",
                table: "StatusAttestations",
                columns: new[] { "TenantId", "AttestedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_StatusCheckResults_CheckedUtc",
                table: "StatusCheckResults",
                column: "CheckedUtc");

            migrationBuilder.CreateIndex(
                name: "IX_StatusCheckResults_TenantId_CheckedUtc",
                table: "StatusCheckResults",
                columns: new[] { "TenantId", "CheckedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_StatusCheckResults_TenantId_Layer_CheckedUtc",
                table: "StatusCheckResults",
                columns: new[] { "TenantId", "Layer", "CheckedUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_TenantStatus_Status_StatusSinceUtc",
                table: "TenantStatus",
                columns: new[] { "Status", "StatusSinceUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "NotificationDeliveries");

            migrationBuilder.DropTable(
                name: "StatusAttestations");

            migrationBuilder.DropTable(
                name: "StatusCheckResults");

            migrationBuilder.DropTable(
                name: "TenantStatus");

            migrationBuilder.DropTable(
                name: "NotificationChannels");
        }
    }
}
