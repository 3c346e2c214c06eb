package com.pipelinepulse.pipeline.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.pipelinepulse.identity.RegionMapper;
import com.pipelinepulse.pipeline.sync.CurrencySnapshot.Conversion;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The storage path of the sync as one call: Zoho Deals records in, derived rows stored. The sync uses the same
 * parts page by page; this entry point lets tests and tools of the pipeline module seed deals exactly as the sync
 * would store them (derivation included), without a Zoho stand-in:
 *
 * <pre>{@code
 * ingestion.storeCurrencies("USD", Map.of("SGD", new BigDecimal("1.35"), "INR", new BigDecimal("83.2")));
 * ingestion.store(List.of(objectMapper.readTree("""
 *     {"id":"1","Deal_Name":"A","Amount":1000,"Currency":"INR","Exchange_Rate":83.2,"Stage":"Qualification",
 *      "Probability":40,"Closing_Date":"2026-12-31","Owner":{"id":"7","name":"Ann","email":"ann@example.com"},
 *      "Region":"EMEA","Modified_Time":"2026-11-01T10:00:00+00:00"}""")));
 * }</pre>
 */
@Component
public class DealIngestion {

    private final DealDerivation derivation;
    private final DealWriter writer;
    private final CurrencySnapshots snapshots;
    private final RegionMapper regions;
    private final PipelineSyncProperties properties;
    private final TransactionTemplate transactions;

    public DealIngestion(DealDerivation derivation, DealWriter writer, CurrencySnapshots snapshots,
            RegionMapper regions, PipelineSyncProperties properties, TransactionTemplate transactions) {
        this.derivation = derivation;
        this.writer = writer;
        this.snapshots = snapshots;
        this.regions = regions;
        this.properties = properties;
        this.transactions = transactions;
    }

    /** Stores a currency snapshot: the home currency and the other currencies' rates (1 home = rate units). */
    public CurrencySnapshot storeCurrencies(String homeCurrency, Map<String, BigDecimal> exchangeRates) {
        return transactions.execute(tx -> snapshots.save(new CurrencySnapshot(null, Instant.now(), homeCurrency,
                exchangeRates), null));
    }

    /** The conversion the next stored deals get: the latest snapshot's, or none when there is no snapshot. */
    public Conversion currentConversion() {
        return snapshots.latest().map(s -> s.conversionTo(properties.reportingCurrency()))
                .orElseGet(() -> Conversion.identity(properties.reportingCurrency()));
    }

    /** Derives and stores the records in one transaction, as one sync page would; returns the rows. */
    public List<DerivedDeal> store(List<JsonNode> records) {
        Conversion conversion = currentConversion();
        RegionMapper.OwnerRegions owners = regions.ownerRegions();
        List<DerivedDeal> deals = records.stream().map(r -> derivation.derive(r, conversion, owners)).toList();
        transactions.executeWithoutResult(tx -> writer.upsert(deals, UUID.randomUUID()));
        return deals;
    }

    /** Marks the deals deleted in Zoho at {@code deletedTime}, as the deleted list of a sync would. */
    public int markDeleted(List<String> ids, Instant deletedTime) {
        Integer changed = transactions.execute(tx -> writer.markDeleted(ids, deletedTime));
        return changed == null ? 0 : changed;
    }
}
