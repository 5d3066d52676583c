using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class RegionsAndTenants : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Regions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Product = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Code = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    DisplayName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    TokenUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    LegacyTokenUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    ApiBaseUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Location = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CountriesServed = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    SeedVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    IsEditedByAdmin = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Regions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "UserTenantScopes",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    Tag = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UserTenantScopes", x => new { x.UserId, x.Tag });
                    table.ForeignKey(
                        name: "FK_UserTenantScopes_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Tenants",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DisplayName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    NormalizedName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CustomerReference = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    UemConsoleUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    UemApiUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    UemRegionId = table.Column<int>(type: "INTEGER", nullable: false),
                    UemTokenUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    OrganizationGroupId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    OrganizationGroupName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    IntelligenceRegionId = table.Column<int>(type: "INTEGER", nullable: true),
                    OAuthClientId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    IntelligenceClientId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Contacts = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Notes = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    UpdatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    IsArchived = table.Column<bool>(type: "INTEGER", nullable: false),
                    ArchivedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Tenants", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Tenants_Regions_IntelligenceRegionId",
                        column: x => x.IntelligenceRegionId,
                        principalTable: "Regions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Tenants_Regions_UemRegionId",
                        column: x => x.UemRegionId,
                        principalTable: "Regions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "TenantSecrets",
                columns: table => new
                {
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ProtectedValue = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Fingerprint = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    SecretSetUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SetBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TenantSecrets", x => new { x.TenantId, x.Kind });
                    table.ForeignKey(
                        name: "FK_TenantSecrets_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TenantTags",
                columns: table => new
                {
                    TenantId = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TenantTags", x => new { x.TenantId, x.Name });
                    table.ForeignKey(
                        name: "FK_TenantTags_Tenants_TenantId",
                        column: x => x.TenantId,
                        principalTable: "Tenants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Regions_Product_Code",
                table: "Regions",
                columns: new[] { "Product", "Code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Tenants_IntelligenceRegionId",
                table: "Tenants",
                column: "IntelligenceRegionId");

            migrationBuilder.CreateIndex(
                name: "IX_Tenants_IsArchived",
                table: "Tenants",
                column: "IsArchived");

            migrationBuilder.CreateIndex(
                name: "IX_Tenants_NormalizedName",
                table: "Tenants",
                column: "NormalizedName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Tenants_UemRegionId",
                table: "Tenants",
                column: "UemRegionId");

            migrationBuilder.CreateIndex(
                name: "IX_TenantTags_Name",
                table: "TenantTags",
                column: "Name");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TenantSecrets");

            migrationBuilder.DropTable(
                name: "TenantTags");

            migrationBuilder.DropTable(
                name: "UserTenantScopes");

            migrationBuilder.DropTable(
                name: "Tenants");

            migrationBuilder.DropTable(
                name: "Regions");
        }
    }
}
