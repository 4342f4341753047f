# The audit store: schema, queries, approvals, formats, and the SIGKILL
# durability test (which drives the osh_auditwriter helper).

# The store suite, by area: the store and its files (tst_auditstore), queries
# (tst_auditstore_query) and writes (tst_auditstore_writes); each also runs
# against a PostgreSQL store (a throwaway cluster, Unix socket only) as <name>_pg.
foreach(suite tst_auditstore tst_auditstore_query tst_auditstore_writes)
    osh_add_test(NAME ${suite} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${suite}.cpp
                     ${CMAKE_CURRENT_LIST_DIR}/auditstorefixture.h ${CMAKE_CURRENT_LIST_DIR}/rawdb.h
                     ${CMAKE_CURRENT_LIST_DIR}/storebackend.h ${CMAKE_CURRENT_LIST_DIR}/eventfixtures.h
                     LIBS osh_core SQLite::SQLite3)
    add_test(NAME ${suite}_pg COMMAND ${suite})
    set_tests_properties(${suite}_pg PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen;OSH_AUDIT_BACKEND=postgresql"
                         TIMEOUT 300)
endforeach()
# What only a store shared by several hosts has, and PostgreSQL's own limits.
osh_add_test(NAME tst_sharedstore SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_sharedstore.cpp
                 ${CMAKE_CURRENT_LIST_DIR}/storebackend.h ${CMAKE_CURRENT_LIST_DIR}/eventfixtures.h LIBS osh_core SQLite::SQLite3)
osh_add_test(NAME tst_auditapprovals SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_auditapprovals.cpp
                 ${CMAKE_CURRENT_LIST_DIR}/storebackend.h LIBS osh_core SQLite::SQLite3)
add_test(NAME tst_auditapprovals_pg COMMAND tst_auditapprovals)
set_tests_properties(tst_auditapprovals_pg PROPERTIES
                     ENVIRONMENT "QT_QPA_PLATFORM=offscreen;OSH_AUDIT_BACKEND=postgresql" TIMEOUT 300)
osh_add_test(NAME tst_auditlimits SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_auditlimits.cpp LIBS osh_core)
osh_add_test(NAME tst_auditformat SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_auditformat.cpp LIBS osh_core)
osh_add_test(NAME tst_ocsfconformance SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_ocsfconformance.cpp LIBS osh_core)

add_executable(osh_auditwriter ${CMAKE_CURRENT_LIST_DIR}/auditwriter.cpp)
target_link_libraries(osh_auditwriter PRIVATE osh_core osh_strict)
osh_add_test(NAME tst_auditdurability SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_auditdurability.cpp
                 ${CMAKE_CURRENT_LIST_DIR}/storebackend.h LIBS osh_core SQLite::SQLite3)
target_compile_definitions(tst_auditdurability PRIVATE AUDITWRITER_PATH="$<TARGET_FILE:osh_auditwriter>")
add_dependencies(tst_auditdurability osh_auditwriter)
add_test(NAME tst_auditdurability_pg COMMAND tst_auditdurability)
set_tests_properties(tst_auditdurability_pg PROPERTIES
                     ENVIRONMENT "QT_QPA_PLATFORM=offscreen;OSH_AUDIT_BACKEND=postgresql" TIMEOUT 300)
osh_add_test(NAME tst_auditchain SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_auditchain.cpp
                 ${CMAKE_CURRENT_LIST_DIR}/rawdb.h ${CMAKE_CURRENT_LIST_DIR}/storebackend.h LIBS osh_core SQLite::SQLite3)
add_test(NAME tst_auditchain_pg COMMAND tst_auditchain)
set_tests_properties(tst_auditchain_pg PROPERTIES
                     ENVIRONMENT "QT_QPA_PLATFORM=offscreen;OSH_AUDIT_BACKEND=postgresql" TIMEOUT 300)
osh_add_test(NAME tst_auditcheckpoint SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_auditcheckpoint.cpp
                 ${CMAKE_CURRENT_LIST_DIR}/rawdb.h ${CMAKE_CURRENT_LIST_DIR}/storebackend.h LIBS osh_core SQLite::SQLite3)
add_test(NAME tst_auditcheckpoint_pg COMMAND tst_auditcheckpoint)
set_tests_properties(tst_auditcheckpoint_pg PROPERTIES
                     ENVIRONMENT "QT_QPA_PLATFORM=offscreen;OSH_AUDIT_BACKEND=postgresql" TIMEOUT 300)
osh_add_test(NAME tst_auditcopy SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_auditcopy.cpp
                 ${CMAKE_CURRENT_LIST_DIR}/rawdb.h LIBS osh_core SQLite::SQLite3)
# libpq against a throwaway PostgreSQL cluster (Unix socket only, no TCP).
osh_add_test(NAME tst_pgdb SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_pgdb.cpp ${CMAKE_CURRENT_SOURCE_DIR}/support/pgcluster.h
                 LIBS osh_core)
osh_add_test(NAME tst_pgschema SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_pgschema.cpp ${CMAKE_CURRENT_SOURCE_DIR}/support/pgcluster.h
                 LIBS osh_core)
