foreach(t tst_yamltree tst_policycorpus tst_policyloader tst_netaddr tst_decisionengine tst_sessioncounters tst_httprules
        tst_policyindex)
    osh_add_test(NAME ${t} SOURCES ${CMAKE_CURRENT_LIST_DIR}/${t}.cpp LIBS osh_core)
endforeach()
