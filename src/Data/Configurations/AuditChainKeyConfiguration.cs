using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Features.Audit;

namespace Portal.Data.Configurations;

internal sealed class AuditChainKeyConfiguration : IEntityTypeConfiguration<AuditChainKey>
{
    public void Configure(EntityTypeBuilder<AuditChainKey> builder)
    {
        builder.ToTable("AuditChainKeys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).ValueGeneratedNever();
        builder.Property(k => k.ProtectedKey).IsRequired();
    }
}
