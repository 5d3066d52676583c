using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Regions;

namespace Portal.Data.Configurations;

internal sealed class RegionConfiguration : IEntityTypeConfiguration<Region>
{
    public void Configure(EntityTypeBuilder<Region> builder)
    {
        builder.ToTable("Regions");
        builder.Property(r => r.Product).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Code).HasMaxLength(20).IsRequired();
        builder.Property(r => r.DisplayName).HasMaxLength(100).IsRequired();
        builder.Property(r => r.TokenUrl).HasMaxLength(500).IsRequired();
        builder.Property(r => r.LegacyTokenUrl).HasMaxLength(500);
        builder.Property(r => r.ApiBaseUrl).HasMaxLength(500);
        builder.Property(r => r.Location).HasMaxLength(100).IsRequired();
        builder.Property(r => r.CountriesServed).HasMaxLength(300);
        builder.Property(r => r.UpdatedBy).HasMaxLength(256);
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.Ignore(r => r.IsProductionOrUat);
        builder.HasIndex(r => new { r.Product, r.Code }).IsUnique();
    }
}
