-- The warehouse: a star schema. Facts carry their lineage (file_id → source_file, run_id → load_run).
-- Units: amounts in euros (DECIMAL(15,2)); counts are whole units; months are the first day of the month.

-- Lineage and runs ---------------------------------------------------------------------------------
CREATE TABLE load_run (
    run_id        VARCHAR PRIMARY KEY,   -- yyyymmddThhmmss-<random>
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    status        VARCHAR NOT NULL,      -- published | published_with_rejects
    mode          VARCHAR NOT NULL,      -- strict | lenient
    files_count   INTEGER NOT NULL,
    rows_read     BIGINT NOT NULL,
    rows_loaded   BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    errors_count  BIGINT NOT NULL,
    etl_version   VARCHAR NOT NULL
);

CREATE TABLE source_file (
    file_id       VARCHAR PRIMARY KEY,   -- sha256 of the bytes (the archive key)
    source        VARCHAR NOT NULL,      -- contract name
    file_name     VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    size_bytes    BIGINT NOT NULL,
    run_id        VARCHAR NOT NULL,      -- run that (last) loaded it
    archived_path VARCHAR NOT NULL,      -- relative to the data directory
    detected      VARCHAR NOT NULL,      -- what the reader detected (format, encoding, separator…)
    rows_read     BIGINT NOT NULL,
    rows_loaded   BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    period_min    DATE,
    period_max    DATE,
    superseded_by VARCHAR,               -- file_id of the file now holding its last period, once it holds no row
    producer      VARCHAR                -- who delivered it, for a source several producers deliver ('' : unnamed)
);

CREATE TABLE source_period (           -- rebuilt at each publish from the facts (etl/slices.py)
    source        VARCHAR NOT NULL,      -- contract name
    period        VARCHAR NOT NULL,      -- 2024-11 (month or date period column) or 2024 (year)
    file_id       VARCHAR NOT NULL,      -- the file holding these rows (source_file)
    rows_count    BIGINT NOT NULL,
    total         DECIMAL(38,2),         -- sum of the contract's total_column, if it has one
    producer      VARCHAR NOT NULL DEFAULT ''  -- the file's producer ('' : the source's only or unnamed one)
);

CREATE TABLE reject (
    run_id     VARCHAR NOT NULL,
    file_id    VARCHAR NOT NULL,
    file_name  VARCHAR NOT NULL,
    source     VARCHAR NOT NULL,
    sheet      VARCHAR,                  -- XLSX sheet, NULL for CSV
    row_number BIGINT,                   -- line in the file (header = 1 for CSV)
    column_name VARCHAR,
    value      VARCHAR,
    rule       VARCHAR NOT NULL,
    message    VARCHAR NOT NULL
);

-- Reference dimensions (from data/reference/*.csv) -------------------------------------------------
CREATE TABLE dim_region (
    region_code VARCHAR PRIMARY KEY, label_fr VARCHAR NOT NULL, label_en VARCHAR NOT NULL,
    is_overseas BOOLEAN NOT NULL
);
CREATE TABLE dim_departement (
    departement_code VARCHAR PRIMARY KEY, label VARCHAR NOT NULL, region_code VARCHAR NOT NULL,
    population_k INTEGER NOT NULL, lat DOUBLE NOT NULL, lon DOUBLE NOT NULL
);
CREATE TABLE dim_couloir (
    couloir_code VARCHAR PRIMARY KEY, label_fr VARCHAR NOT NULL, label_en VARCHAR NOT NULL,
    software VARCHAR, vague_min INTEGER NOT NULL
);
CREATE TABLE dim_vague (
    vague VARCHAR PRIMARY KEY, label_fr VARCHAR NOT NULL, label_en VARCHAR NOT NULL,
    start_date DATE NOT NULL, end_date DATE NOT NULL, goal_fr VARCHAR, goal_en VARCHAR
);
CREATE TABLE dim_document_type (
    document_type VARCHAR PRIMARY KEY, label_fr VARCHAR NOT NULL, label_en VARCHAR NOT NULL,
    main_couloir VARCHAR NOT NULL
);
CREATE TABLE dim_dispositif (
    dispositif_code VARCHAR PRIMARY KEY, label_fr VARCHAR NOT NULL, label_en VARCHAR NOT NULL,
    kind VARCHAR NOT NULL, financeur VARCHAR NOT NULL, couloir_code VARCHAR, vague VARCHAR,
    window_open DATE, window_close DATE
);
CREATE TABLE dim_funding_window (
    dispositif_code VARCHAR NOT NULL, funding_window INTEGER NOT NULL, label_fr VARCHAR NOT NULL,
    label_en VARCHAR NOT NULL, open_date DATE NOT NULL, close_date DATE NOT NULL,
    payment_deadline DATE NOT NULL, PRIMARY KEY (dispositif_code, funding_window)
);
CREATE TABLE dim_month (
    month DATE PRIMARY KEY, year INTEGER NOT NULL, quarter INTEGER NOT NULL, month_of_year INTEGER NOT NULL
);

-- Deployment ---------------------------------------------------------------------------------------
CREATE TABLE dim_solution (
    solution_id VARCHAR PRIMARY KEY, solution_name VARCHAR NOT NULL, editeur_siren VARCHAR NOT NULL,
    editeur_name VARCHAR NOT NULL, couloir_code VARCHAR NOT NULL, vague VARCHAR NOT NULL,
    referenced_date DATE NOT NULL, file_id VARCHAR NOT NULL, run_id VARCHAR NOT NULL
);
CREATE TABLE fact_deployment (
    site_id VARCHAR NOT NULL, site_kind VARCHAR NOT NULL, solution_id VARCHAR NOT NULL,
    dispositif_code VARCHAR NOT NULL, couloir_code VARCHAR NOT NULL, vague VARCHAR NOT NULL,
    departement_code VARCHAR NOT NULL, ordered_date DATE NOT NULL, installed_date DATE,
    validated_date DATE, file_id VARCHAR NOT NULL, run_id VARCHAR NOT NULL
);

-- Budget -------------------------------------------------------------------------------------------
CREATE TABLE fact_envelope (
    dispositif_code VARCHAR NOT NULL, couloir_code VARCHAR, region_code VARCHAR, year BIGINT NOT NULL,
    amount_eur DECIMAL(15,2) NOT NULL, source_label VARCHAR, file_id VARCHAR NOT NULL, run_id VARCHAR NOT NULL
);
CREATE TABLE fact_funding_event (
    event_id VARCHAR NOT NULL, dispositif_code VARCHAR NOT NULL, couloir_code VARCHAR NOT NULL,
    vague VARCHAR, region_code VARCHAR NOT NULL, departement_code VARCHAR, beneficiary_id VARCHAR NOT NULL,
    beneficiary_kind VARCHAR NOT NULL, beneficiary_name VARCHAR, event_type VARCHAR NOT NULL,
    event_date DATE NOT NULL, amount_eur DECIMAL(15,2) NOT NULL, funding_window BIGINT,
    commitment_ref VARCHAR, file_id VARCHAR NOT NULL, run_id VARCHAR NOT NULL
);

-- Adoption and usage (monthly) ---------------------------------------------------------------------
CREATE TABLE fact_documents (
    month DATE NOT NULL, departement_code VARCHAR NOT NULL, couloir_code VARCHAR NOT NULL,
    document_type VARCHAR NOT NULL, documents_count BIGINT NOT NULL,
    file_id VARCHAR NOT NULL, run_id VARCHAR NOT NULL
);
CREATE TABLE fact_mes_profiles (
    month DATE NOT NULL, departement_code VARCHAR NOT NULL, profiles_opened BIGINT NOT NULL,
    profiles_activated BIGINT NOT NULL, connections BIGINT NOT NULL, monthly_users BIGINT NOT NULL,
    file_id VARCHAR NOT NULL, run_id VARCHAR NOT NULL
);
CREATE TABLE fact_mssante (
    month DATE NOT NULL, departement_code VARCHAR NOT NULL, couloir_code VARCHAR NOT NULL,
    messages_count BIGINT NOT NULL, mailboxes_active BIGINT, file_id VARCHAR NOT NULL, run_id VARCHAR NOT NULL
);
CREATE TABLE fact_usage_pro (
    month DATE NOT NULL, departement_code VARCHAR NOT NULL, couloir_code VARCHAR NOT NULL,
    feeding_actors BIGINT NOT NULL, dmp_consultations BIGINT NOT NULL, exchanges_total BIGINT NOT NULL,
    exchanges_ins_qualified BIGINT NOT NULL, dui_active_records BIGINT, file_id VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL
);
CREATE TABLE fact_eprescription (
    month DATE NOT NULL, departement_code VARCHAR NOT NULL, eprescriptions_count BIGINT NOT NULL,
    prescribers_month BIGINT NOT NULL, prescribers_cumulative BIGINT NOT NULL,
    file_id VARCHAR NOT NULL, run_id VARCHAR NOT NULL
);
CREATE TABLE fact_usage_etablissement (
    month DATE NOT NULL, finess VARCHAR NOT NULL, departement_code VARCHAR NOT NULL,
    couloir_code VARCHAR NOT NULL, document_type VARCHAR NOT NULL, documents_count BIGINT NOT NULL,
    file_id VARCHAR NOT NULL, run_id VARCHAR NOT NULL
);

-- Denominators -------------------------------------------------------------------------------------
CREATE TABLE fact_population (
    departement_code VARCHAR NOT NULL, population_kind VARCHAR NOT NULL, couloir_code VARCHAR,
    reference_year BIGINT NOT NULL, population_count BIGINT NOT NULL,
    file_id VARCHAR NOT NULL, run_id VARCHAR NOT NULL
);
