-- The schema upstream WaiverDB's Alembic migrations leave at revision 3868a8118458
-- (its last), as found in Fedora's database: the legacy result_id and subject columns
-- are still there, made nullable when waivers moved to subject_type/subject_identifier.
CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version (version_num) VALUES ('3868a8118458');

CREATE TABLE waiver (
    id SERIAL NOT NULL,
    result_id INTEGER,
    username VARCHAR(255) NOT NULL,
    comment TEXT,
    waived BOOLEAN NOT NULL,
    "timestamp" TIMESTAMP WITHOUT TIME ZONE,
    product_version VARCHAR(200) NOT NULL,
    proxied_by VARCHAR(255),
    subject TEXT,
    testcase TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_identifier TEXT NOT NULL,
    scenario VARCHAR(255),
    PRIMARY KEY (id)
);
CREATE INDEX ix_waiver_subject_type ON waiver (subject_type);
CREATE INDEX ix_waiver_subject_identifier ON waiver (subject_identifier);
CREATE INDEX ix_waiver_testcase ON waiver (testcase);
CREATE INDEX waiver_subject_type_identifier ON waiver (subject_type, subject_identifier);

-- Rows of every age: a pre-0.6 waiver by result id with its JSON subject, a proxied
-- one, one with a scenario, an obsolete one, and a gap in the ids.
INSERT INTO waiver (id, result_id, username, comment, waived, "timestamp", product_version, proxied_by, subject,
                    testcase, subject_type, subject_identifier, scenario) VALUES
    (1, 123, 'mjia', 'old waiver by result id', true, '2017-03-16 17:42:04.209638', 'fedora-26', NULL,
     '{"type": "koji_build", "item": "glibc-2.25-1.fc26"}', 'dist.rpmdeplint', 'koji_build', 'glibc-2.25-1.fc26', NULL),
    (2, NULL, 'packager', 'via bodhi', true, '2018-01-02 03:04:05.000001', 'fedora-27', 'bodhi', NULL,
     'dist.abicheck', 'koji_build', 'gzip-1.9-1.fc27', NULL),
    (3, NULL, 'qa', 'scenario', false, '2019-05-06 07:08:09.5', 'fedora-29', NULL, NULL,
     'compose.install_default', 'compose', 'Fedora-29-20190506.0', 'fedora.universal.x86_64.uefi'),
    (5, NULL, 'qa', 'newer one', true, '2019-05-07 00:00:00', 'fedora-29', NULL, NULL,
     'compose.install_default', 'compose', 'Fedora-29-20190506.0', 'fedora.universal.x86_64.uefi');
SELECT setval('waiver_id_seq', 5);
